"""Every content text in English and Albanian; today's texts become the English ones."""

import chat.models
from django.db import migrations, models

from core.translations import keep_texts_as_english


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="knowledgearticle",
            name="body_en",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="body_sq",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="questions",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other ways learners ask it, one question each; FinBot's retrieval reads them with the title.",
                validators=[chat.models.validate_questions],
            ),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="questions_en",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other ways learners ask it, one question each; FinBot's retrieval reads them with the title.",
                null=True,
                validators=[chat.models.validate_questions],
            ),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="questions_sq",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Other ways learners ask it, one question each; FinBot's retrieval reads them with the title.",
                null=True,
                validators=[chat.models.validate_questions],
            ),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="tags_en",
            field=models.JSONField(blank=True, default=list, null=True, validators=[chat.models.validate_tags]),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="tags_sq",
            field=models.JSONField(blank=True, default=list, null=True, validators=[chat.models.validate_tags]),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="title_en",
            field=models.CharField(
                help_text="Phrase it as the question a learner would ask.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="knowledgearticle",
            name="title_sq",
            field=models.CharField(
                help_text="Phrase it as the question a learner would ask.", max_length=200, null=True
            ),
        ),
        keep_texts_as_english(
            "chat",
            {"KnowledgeArticle": ("title", "body", "tags")},
        ),
    ]
