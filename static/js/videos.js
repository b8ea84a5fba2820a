// Videos: autoplay in the phone feed, progress reports, and save/like without a reload.
// Without this file the page still works: forms post to the page views and come back.
(() => {
  "use strict";

  const REPORT_EVERY_MS = 3000;

  function cookie(name) {
    const match = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
    return match ? decodeURIComponent(match.slice(name.length + 1)) : "";
  }

  function csrfToken() {
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return cookie("csrftoken") || (field ? field.value : "");
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
  }

  function toast(text) {
    const note = document.createElement("div");
    note.className = "toast video-toast";
    note.setAttribute("role", "status");
    note.textContent = text;
    document.body.appendChild(note);
    setTimeout(() => note.remove(), 5000);
  }

  class SignInNeeded extends Error {}

  async function callApi(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 || response.status === 403) throw new SignInNeeded();
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  function setupFeed(feed) {
    const signedIn = feed.dataset.signedIn === "1";
    const api = feed.dataset.api;
    const text = feed.dataset;
    const phone = window.matchMedia("(max-width: 767px)");
    const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

    // Save and like: the form says what a press does (`action`); the API answers the new state.
    function showToggle(form, on, likes) {
      const kind = form.dataset.toggle;
      const button = form.querySelector("button");
      form.querySelector("input[name=action]").value = on ? `un${kind}` : kind;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      const icon = kind === "like" ? (on ? "❤️" : "🤍") : "🔖";
      const count = button.querySelector("[data-like-count]");
      button.textContent = `${icon} ${on ? button.dataset.on : button.dataset.off}`;
      if (count) {
        if (likes !== undefined) count.textContent = likes;
        button.appendChild(count);
      }
    }

    feed.addEventListener("submit", async (event) => {
      const form = event.target.closest("form[data-toggle]");
      if (!form || !signedIn) return; // visitors go through the page view, which asks them to sign in
      event.preventDefault();
      const card = form.closest("[data-video-id]");
      const kind = form.dataset.toggle;
      const turnOn = form.querySelector("input[name=action]").value === kind;
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const data = await callApi(turnOn ? "POST" : "DELETE", `${api}${card.dataset.videoId}/${kind}`);
        showToggle(form, kind === "save" ? data.saved : data.liked, data.likes);
      } catch (error) {
        if (error instanceof SignInNeeded) {
          window.location.href = feed.dataset.loginUrl;
        } else {
          form.submit(); // the plain form does the same through the page view
        }
      } finally {
        button.disabled = false;
      }
    });

    // Progress: report on start, every few seconds while playing, on pause and at the end.
    function markWatched(card, rewards) {
      card.classList.add("is-watched");
      card.querySelector("[data-watched-tick]").hidden = false;
      if (!rewards || !rewards.xp) return;
      let message = `${text.textWatched} ${fill(text.textXp, { xp: rewards.xp })}`;
      if (rewards.level_up) message += ` ${fill(text.textLevelUp, { level: rewards.level })}`;
      card.querySelector("[data-reward]").textContent = message;
      toast(message);
    }

    function tracker(card, video) {
      const state = { sending: false, pending: null, lastSent: 0 };
      const duration = Number(card.dataset.duration);

      async function send(position) {
        if (!signedIn || card.classList.contains("is-watched")) return;
        if (state.sending) {
          state.pending = position;
          return;
        }
        state.sending = true;
        state.lastSent = Date.now();
        try {
          const body = { position_seconds: Math.min(Math.max(position, 0), duration * 2) };
          const data = await callApi("POST", `${api}${card.dataset.videoId}/progress`, body);
          if (data.watched) markWatched(card, data.rewards);
        } catch (error) {
          if (!(error instanceof SignInNeeded)) console.warn("progress not saved", error);
        } finally {
          state.sending = false;
          if (state.pending !== null) {
            const next = state.pending;
            state.pending = null;
            send(next);
          }
        }
      }

      video.addEventListener("play", () => send(video.currentTime));
      video.addEventListener("timeupdate", () => {
        if (!video.paused && Date.now() - state.lastSent >= REPORT_EVERY_MS) send(video.currentTime);
      });
      video.addEventListener("pause", () => {
        if (!video.ended) send(video.currentTime);
      });
      video.addEventListener("ended", () => send(Number.isFinite(video.duration) ? video.duration : video.currentTime));
    }

    const cards = [...feed.querySelectorAll("[data-video-id]")];
    cards.forEach((card) => tracker(card, card.querySelector("video")));

    // Play what is on screen in the phone feed; pause whatever scrolls away.
    if ("IntersectionObserver" in window) {
      const observer = new IntersectionObserver(
        (entries) => {
          entries.forEach((entry) => {
            const video = entry.target;
            if (entry.isIntersecting && entry.intersectionRatio >= 0.6) {
              if (phone.matches && !reducedMotion.matches && video.paused) {
                video.play().catch(() => {}); // autoplay refused: the controls are there
              }
            } else if (!video.paused) {
              video.pause();
            }
          });
        },
        { threshold: [0, 0.6] },
      );
      cards.forEach((card) => observer.observe(card.querySelector("video")));
    }
  }

  document.querySelectorAll("[data-video-feed]").forEach(setupFeed);
})();
