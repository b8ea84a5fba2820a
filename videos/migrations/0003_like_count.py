"""Each video's like count is kept on the video (moved by the like services), counted once here from the likes."""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_likes(apps, schema_editor):
    Video = apps.get_model("videos", "Video")
    VideoLike = apps.get_model("videos", "VideoLike")
    likes = VideoLike.objects.filter(video=OuterRef("pk")).order_by().values("video").annotate(n=Count("pk"))
    Video.objects.update(like_count=Coalesce(Subquery(likes.values("n")[:1]), 0, output_field=IntegerField()))


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0002_texts_in_two_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="video",
            name="like_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_likes, migrations.RunPython.noop),
    ]
