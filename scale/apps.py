from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """Tools for national-scale data: the synthetic data set behind benchmarks."""

    name = "scale"
    verbose_name = "Skala"
