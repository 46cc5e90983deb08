"""What a process builds once before it serves: Django's template engine, whose building
imports every installed app's template tags (a fifth of a second), so that the first page or
report of each web or worker process does not wait for it."""


def build_template_engine() -> None:
    from django.template import engines

    engines["django"]
