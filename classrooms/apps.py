from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "classrooms"
    verbose_name = "Classes"

    def ready(self):
        from core import export

        from . import selectors

        export.register("classes", selectors.export_data, app=self.label)
