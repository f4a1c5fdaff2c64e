"""Scrapy crawlers driven by the source catalog (see ``crawlers/sources/``)."""
