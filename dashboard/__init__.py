"""The Streamlit dashboard: search, timelines, actors, measures, briefings, source health."""
