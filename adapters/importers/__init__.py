"""Job-feed importers: Greenhouse, Lever and YAML feeds read into Openings."""
