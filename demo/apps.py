from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Data that is not the programme's own: the demo programme (`seed_demo`) and the
    national-scale synthetic data set behind the benchmarks (`seed_scale`). Installed for the
    demo (SIV_DEMO=1), the tests and the bench; product code never imports it."""

    name = "demo"
    verbose_name = "Demo"
