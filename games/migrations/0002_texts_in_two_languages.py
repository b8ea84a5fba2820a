"""Every content text in English and Albanian; today's texts become the English ones."""

from django.db import migrations, models

from core.translations import keep_texts_as_english


class Migration(migrations.Migration):
    dependencies = [
        ("games", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="choice",
            name="text_en",
            field=models.CharField(max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="choice",
            name="text_sq",
            field=models.CharField(max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="game",
            name="description_en",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="game",
            name="description_sq",
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="game",
            name="title_en",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="game",
            name="title_sq",
            field=models.CharField(max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="explanation_en",
            field=models.TextField(blank=True, help_text="Shown after answering.", null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="explanation_sq",
            field=models.TextField(blank=True, help_text="Shown after answering.", null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="prompt_en",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="question",
            name="prompt_sq",
            field=models.TextField(null=True),
        ),
        keep_texts_as_english(
            "games",
            {"Game": ("title", "description"), "Question": ("prompt", "explanation"), "Choice": ("text",)},
        ),
    ]
