// Quest play one question at a time. The page's form holds every question (without this file it
// posts them all at once); here each answer is checked with the API — `start`, then
// `attempts/<id>/answers` — right or wrong with the explanation and the right answer, then the
// next question; after the last, the finish form posts to the page, which shows the results.
// The page never holds the answers: they come from the API once the learner has answered.
// Everything from the server is added with textContent, never as HTML.
(() => {
  "use strict";
  const form = document.querySelector("form[data-step-by-step]");
  if (!form || !window.fetch) return;
  const steps = Array.from(form.querySelectorAll("fieldset[data-question]"));
  if (!steps.length) return;

  const t = form.dataset;
  const $ = (selector) => form.querySelector(selector);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const count = $("[data-step-count]");
  const meter = $("[role=progressbar]");
  const bar = $("[data-step-bar]");
  const feedback = $("[data-feedback]");
  const status = $("[data-step-status]");
  const checkButton = $("[data-check]");
  const nextButton = $("[data-next]");
  const finishButton = $("[data-finish]");
  const finishForm = document.getElementById("game-finish-form");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 6 });
  let attemptId = null;
  let index = 0;
  let checked = false;
  let busy = false;

  const fill = (text, values) => text.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? values[key] : match));
  const last = () => index === steps.length - 1;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : t.textError);
    return data;
  }

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function reveal(element) {
    element.scrollIntoView({ block: "nearest", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function firstInput(step) {
    return step.querySelector("input:checked") || step.querySelector("input");
  }

  function show(position) {
    index = position;
    checked = false;
    steps.forEach((step, n) => { step.hidden = n !== position; });
    const text = fill(t.textProgress, { number: position + 1, total: steps.length });
    count.textContent = text;
    meter.setAttribute("aria-valuenow", String(position + 1));
    meter.setAttribute("aria-valuetext", text);
    bar.style.width = `${(100 * (position + 1)) / steps.length}%`;
    feedback.hidden = true;
    feedback.className = "step-feedback";
    feedback.replaceChildren();
    say("");
    checkButton.hidden = false;
    nextButton.hidden = true;
    finishButton.hidden = true;
  }

  function answerOf(step) {
    const question = Number(step.dataset.question);
    if (step.dataset.kind === "number") {
      const raw = step.querySelector("input").value.trim().replace(",", ".");
      if (raw === "" || !Number.isFinite(Number(raw))) return null;
      return { question, value: Number(raw) };
    }
    const choices = Array.from(step.querySelectorAll("input:checked"), (input) => Number(input.value));
    return choices.length ? { question, choices } : null;
  }

  function paragraph(className, ...parts) {
    const p = document.createElement("p");
    if (className) p.className = className;
    p.append(...parts);
    return p;
  }

  function rightAnswerText(step, result) {
    if (step.dataset.kind === "number") {
      return result.answer_value === null ? "" : numbers.format(result.answer_value);
    }
    const right = new Set(result.correct_choices);
    return Array.from(step.querySelectorAll("input"))
      .filter((input) => right.has(Number(input.value)))
      .map((input) => input.closest(".choice").querySelector("span").textContent.trim())
      .join(", ");
  }

  function showFeedback(step, result) {
    checked = true;
    const right = new Set(result.correct_choices);
    step.querySelectorAll("input").forEach((input) => {
      const choice = input.closest(".choice");
      if (choice && right.has(Number(input.value))) choice.classList.add("is-right");
      else if (choice && input.checked) choice.classList.add("is-wrong");
      input.disabled = true; // one answer per question: the API has recorded it
    });
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = result.correct ? "✅ " : "❌ ";
    feedback.className = `step-feedback ${result.correct ? "right" : "wrong"}`;
    feedback.replaceChildren(paragraph("verdict", icon, result.correct ? t.textRight : t.textWrong));
    const answer = rightAnswerText(step, result);
    if (answer) {
      const strong = document.createElement("strong");
      strong.textContent = answer;
      feedback.append(paragraph("right-answer", `${t.textRightAnswer} `, strong));
    }
    if (result.explanation) feedback.append(paragraph("explanation", `💡 ${result.explanation}`));
    feedback.hidden = false;
    checkButton.hidden = true;
    if (last()) {
      finishForm.querySelector("[data-finish-attempt]").value = String(attemptId);
      finishButton.hidden = false;
    } else {
      nextButton.hidden = false;
    }
    feedback.focus({ preventScroll: true });
    reveal(feedback);
  }

  async function check() {
    if (busy || checked) return;
    const step = steps[index];
    const answer = answerOf(step);
    if (!answer) {
      say(step.dataset.kind === "number" ? t.textNeedNumber : t.textNeedChoice);
      firstInput(step).focus();
      return;
    }
    busy = true;
    checkButton.disabled = true;
    say("");
    try {
      if (attemptId === null) attemptId = (await post(t.startUrl)).attempt_id;
      showFeedback(step, await post(`${t.attemptsUrl}/${attemptId}/answers`, answer));
    } catch (error) {
      say(error.message);
    } finally {
      busy = false;
      checkButton.disabled = false;
    }
  }

  function advance() {
    if (!checked || busy) return;
    if (last()) {
      finishForm.requestSubmit ? finishForm.requestSubmit() : finishForm.submit();
      return;
    }
    show(index + 1);
    const step = steps[index];
    reveal(step);
    firstInput(step).focus({ preventScroll: true });
  }

  // Enter in an answer (or on the feedback) does what the visible button does: Check, then Next.
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (checked) advance();
    else check();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    const onAnswer = event.target instanceof HTMLInputElement;
    if (!onAnswer && event.target !== feedback) return;
    event.preventDefault();
    if (checked) advance();
    else if (onAnswer) check();
  });
  checkButton.addEventListener("click", check);
  nextButton.addEventListener("click", advance);

  form.classList.add("stepping");
  $("[data-submit-all]").hidden = true;
  $("[data-step-progress]").hidden = false;
  $("[data-step-actions]").hidden = false;
  show(0);
})();
