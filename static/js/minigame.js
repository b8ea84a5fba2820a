// Client-scored mini-games on the web: sort each card into one of two bins, then report the
// score through the same API the mobile app uses (start → play → complete).
(function () {
  const root = document.querySelector("[data-minigame]");
  if (!root) return;
  const t = root.dataset;
  const $ = (selector) => root.querySelector(selector);
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  let attemptId = null, items = [], index = 0, correct = 0, startedAt = 0;
  // The server refuses a result sooner than the game's minimum after start (games.pacing):
  // a refused run that was that quick here too is "too quick", and says how long it needs.
  const minSeconds = Number(t.minSeconds || 0);
  // A round file may carry each text in the page's language too: `text_sq`, `bins_sq`.
  const lang = document.documentElement.lang;
  const local = (thing, key) => thing[`${key}_${lang}`] || thing[key];

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": decodeURIComponent(csrf()) },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(data.detail || t.textError), { status: response.status });
    return data;
  }

  function show(section) {
    root.querySelectorAll("[data-screen]").forEach((el) => { el.hidden = el.dataset.screen !== section; });
  }

  function nextCard() {
    if (index >= items.length) return finish();
    $("[data-card]").textContent = items[index].text;
    $("[data-count]").textContent = `${index + 1} / ${items.length}`;
    $("[data-bin='0']").focus();
  }

  function answer(bin) {
    if (items[index].bin === bin) correct += 1;
    index += 1;
    nextCard();
  }

  function again(tooQuick) {
    const button = $("[data-again]");
    const note = $("[data-too-quick]");
    note.hidden = !tooQuick;
    note.textContent = tooQuick ? t.textTooQuick.replace("%(seconds)s", minSeconds) : "";
    button.textContent = tooQuick ? t.textTryAgain : t.textPlayAgain;
    button.classList.toggle("secondary", !tooQuick);
    if (tooQuick) button.focus();
  }

  async function start() {
    $("[data-status]").textContent = "";
    again(false);
    try {
      const [round, started] = await Promise.all([
        fetch(t.roundUrl).then((r) => r.json()),
        post(t.startUrl),
      ]);
      attemptId = started.attempt_id;
      items = round.items.map((item) => ({ ...item, text: local(item, "text") })).sort(() => Math.random() - 0.5);
      root.querySelectorAll("[data-bin]").forEach((button) => {
        button.textContent = local(round, "bins")[Number(button.dataset.bin)];
      });
      index = 0; correct = 0; startedAt = performance.now();
      show("play");
      nextCard();
    } catch (error) {
      $("[data-status]").textContent = error.message;
    }
  }

  async function finish() {
    const score = Math.round((100 * correct) / items.length);
    const seconds = (performance.now() - startedAt) / 1000;
    show("result");
    $("[data-score]").textContent = `${score}%`;
    const earned = $("[data-earned]");
    earned.textContent = "";
    try {
      const result = await post(t.completeUrl, { attempt_id: attemptId, score: score });
      const lines = [result.passed ? t.textPassed : t.textFailed];
      if (result.rewards.xp) lines.push(`+${result.rewards.xp} XP`);
      if (result.rewards.coins) lines.push(`+${result.rewards.coins} 🪙`);
      if (result.rewards.level_up) lines.push(t.textLevelUp.replace("%(level)s", result.rewards.level));
      result.rewards.achievements.forEach((badge) => lines.push(`🏅 ${badge.title}`));
      lines.forEach((line) => {
        const li = document.createElement("li");
        li.textContent = line;
        earned.appendChild(li);
      });
    } catch (error) {
      // The server's clock started before ours, so a run it found too quick was too quick here.
      if (error.status === 400 && seconds < minSeconds) again(true);
      else $("[data-status]").textContent = error.message;
    }
  }

  root.querySelectorAll("[data-start]").forEach((button) => button.addEventListener("click", start));
  root.querySelectorAll("[data-bin]").forEach((button) =>
    button.addEventListener("click", () => answer(Number(button.dataset.bin))));
  show("intro");
})();
