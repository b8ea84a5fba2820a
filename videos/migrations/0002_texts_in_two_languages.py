"""Every content text in English and Albanian; today's texts become the English ones."""

import videos.models
from django.db import migrations, models

from core.translations import keep_texts_as_english


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="video",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="video",
            name="description_sq",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="video",
            name="tags_en",
            field=models.JSONField(blank=True, default=list, null=True, validators=[videos.models.validate_tags]),
        ),
        migrations.AddField(
            model_name="video",
            name="tags_sq",
            field=models.JSONField(blank=True, default=list, null=True, validators=[videos.models.validate_tags]),
        ),
        migrations.AddField(
            model_name="video",
            name="title_en",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="video",
            name="title_sq",
            field=models.CharField(max_length=120, null=True),
        ),
        keep_texts_as_english(
            "videos",
            {"Video": ("title", "description", "tags")},
        ),
    ]
