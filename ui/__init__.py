"""Qt face of Warmline: screens, models, workers. Thin: it asks the core."""
