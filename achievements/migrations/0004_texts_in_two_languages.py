"""Every content text in English and Albanian; today's texts become the English ones."""

from django.db import migrations, models

from core.translations import keep_texts_as_english


class Migration(migrations.Migration):
    dependencies = [
        ("achievements", "0003_delete_insights"),
    ]

    operations = [
        migrations.AddField(
            model_name="achievement",
            name="description_en",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="achievement",
            name="description_sq",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="achievement",
            name="title_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="achievement",
            name="title_sq",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="dailyquesttemplate",
            name="title_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="dailyquesttemplate",
            name="title_sq",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="shopitem",
            name="description_en",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="shopitem",
            name="description_sq",
            field=models.CharField(blank=True, max_length=300, null=True),
        ),
        migrations.AddField(
            model_name="shopitem",
            name="name_en",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="shopitem",
            name="name_sq",
            field=models.CharField(max_length=100, null=True),
        ),
        keep_texts_as_english(
            "achievements",
            {
                "Achievement": ("title", "description"),
                "DailyQuestTemplate": ("title",),
                "ShopItem": ("name", "description"),
            },
        ),
    ]
