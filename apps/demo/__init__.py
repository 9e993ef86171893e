"""The demo province "Sơn Hà" and the load generator: fictional units and staff, a real catalogue, a year of
generated history. Nothing here runs in production unless asked (`manage.py load_demo`, `generate_load_data`)."""
