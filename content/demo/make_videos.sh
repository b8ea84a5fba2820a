#!/usr/bin/env bash
# Regenerates the RaiPlay demo videos + thumbnails in static/demo/videos/.
# Idempotent: every run overwrites the same 12 .mp4/.jpg files.
# Needs: ffmpeg (with libx264, drawtext/libfreetype) and a bold TTF font
#   (apt-get install -y ffmpeg fonts-dejavu-core).
# Usage: bash content/demo/make_videos.sh   (from anywhere)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
OUT_DIR="$REPO_ROOT/static/demo/videos"
mkdir -p "$OUT_DIR"

command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install -y ffmpeg)" >&2; exit 1; }

# Pick a bold sans font.
FONT=""
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
         /usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf; do
  [ -f "$f" ] && { FONT="$f"; break; }
done
if [ -z "$FONT" ] && command -v fc-match >/dev/null; then
  FONT="$(fc-match -f '%{file}' 'sans:bold' || true)"
fi
[ -n "$FONT" ] && [ -f "$FONT" ] || { echo "no font found (apt-get install -y fonts-dejavu-core)" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

W=360; H=640; FPS=24

# slug | title lines (split on ';') | background colour | duration (s)
# (slug and duration must match content/demo/videos.json)
VIDEOS=(
  "the-50-30-20-rule|The 50/30/20;rule explained|0x1E6F5C|7"
  "needs-vs-wants|Needs;vs;wants|0x6A1B9A|5"
  "what-is-compound-interest|What is;compound;interest?|0x0D47A1|8"
  "why-build-an-emergency-fund|Why build an;emergency;fund?|0xB23A48|6"
  "debit-vs-credit|Debit;vs;credit|0x00695C|5"
  "the-minimum-payment-trap|The minimum;payment;trap|0xC2410C|7"
  "why-diversify|Why;diversify?|0x283593|5"
  "risk-vs-return|Risk;vs;return|0x4E342E|6"
  "crypto-know-the-risks|Crypto:;know the;risks|0x37474F|6"
  "spot-a-phishing-text|Spot a;phishing;text|0xAD1457|7"
  "reading-your-first-payslip|Reading your;first;payslip|0x2E7D32|8"
  "opening-your-first-bank-account|Opening your;first bank;account|0x1565C0|8"
)

FONT_SIZE=38
LINE_H=54
TEXT_CENTER_Y=250

for entry in "${VIDEOS[@]}"; do
  IFS='|' read -r slug title bg dur <<<"$entry"
  IFS=';' read -r -a lines <<<"$title"
  n=${#lines[@]}
  top=$(( TEXT_CENTER_Y - n * LINE_H / 2 ))

  # One drawtext per line so every line is centred on its own; lines are
  # placed by baseline (y = baseline - ascent) so spacing is even.
  # Text goes through files so no filtergraph escaping is needed.
  text_filters=""
  for i in "${!lines[@]}"; do
    tf="$WORK/${slug}_$i.txt"
    printf '%s' "${lines[$i]}" > "$tf"
    base=$(( top + 40 + i * LINE_H ))   # baseline of this line
    text_filters+=",drawtext=fontfile=${FONT}:textfile=${tf}:fontsize=${FONT_SIZE}:fontcolor=white:shadowcolor=black@0.45:shadowx=2:shadowy=2:x=(w-text_w)/2:y=${base}-ascent"
  done
  brand="$WORK/${slug}_brand.txt"
  printf '%s' "RaiPlay  |  Money skills" > "$brand"

  # Background + dim progress track, a bar that fills over the clip,
  # and a gold "coin" that swings left/right so the video visibly plays.
  fc="color=c=${bg}:s=${W}x${H}:r=${FPS}:d=${dur},drawbox=x=24:y=${H}-64:w=${W}-48:h=10:color=white@0.25:t=fill[bg];"
  fc+="color=c=white:s=$(( W - 48 ))x10:r=${FPS}:d=${dur}[bar];"
  fc+="color=c=0xFFC107:s=56x56:r=${FPS}:d=${dur},format=yuva420p,geq=lum='lum(X,Y)':cb='cb(X,Y)':cr='cr(X,Y)':a='if(lte(hypot(X-27.5,Y-27.5),27),255,0)'[coin];"
  fc+="[bg][bar]overlay=x='24-w+w*t/${dur}':y=H-64:eval=frame,drawbox=x=0:y=${H}-64:w=24:h=10:color=${bg}:t=fill,drawbox=x=${W}-24:y=${H}-64:w=24:h=10:color=${bg}:t=fill[a];"
  fc+="[a][coin]overlay=x='(W-w)/2+120*sin(2*PI*t/2)':y=430:eval=frame:shortest=1"
  fc+=",drawtext=fontfile=${FONT}:textfile=${brand}:fontsize=18:fontcolor=white@0.8:x=(w-text_w)/2:y=40"
  fc+="${text_filters},format=yuv420p[v]"

  ffmpeg -hide_banner -loglevel error -y \
    -filter_complex "$fc" -map "[v]" -t "$dur" -an \
    -c:v libx264 -profile:v baseline -level 3.0 -pix_fmt yuv420p \
    -preset medium -crf 30 -maxrate 160k -bufsize 320k -g $(( FPS * 2 )) \
    -movflags +faststart -map_metadata -1 -fflags +bitexact -flags:v +bitexact \
    "$OUT_DIR/$slug.mp4"

  # Thumbnail: first frame (title already drawn), 360x640 JPEG.
  ffmpeg -hide_banner -loglevel error -y -i "$OUT_DIR/$slug.mp4" \
    -frames:v 1 -q:v 6 "$OUT_DIR/$slug.jpg"

  echo "made $slug (${dur}s)"
done

du -sh "$OUT_DIR"
