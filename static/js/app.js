// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Auto-submit selects marked data-autosubmit (the language switcher, filters).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // Toasts fade out on their own.
  document.querySelectorAll(".toast").forEach((toast) => setTimeout(() => toast.remove(), 6000));
});
