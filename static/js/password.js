// Password fields: a button that shows the typed password (every password field), and a
// strength meter on a new password (data-password-strength: the meter's words, weakest
// first). The meter only guides; the server's validators decide. No inline script or style:
// the CSP forbids them.
(() => {
  const SEQUENCES = ["0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm"];
  const COMMON = ["password", "adgangskode", "kodeord", "sommer", "vinter", "siv"];

  function hasRun(lower) {
    for (const sequence of SEQUENCES) {
      for (let i = 0; i + 4 <= sequence.length; i += 1) {
        if (lower.includes(sequence.slice(i, i + 4))) return true;
      }
    }
    return false;
  }

  // 0 (very weak) to 4 (very strong).
  function strength(password, context) {
    if (!password) return 0;
    const lower = password.toLowerCase();
    const classes = [/[a-zæøå]/, /[A-ZÆØÅ]/, /[0-9]/, /[^A-Za-zÆØÅæøå0-9]/].filter((re) =>
      re.test(password),
    ).length;
    let score = 0;
    if (password.length >= 12) score = 1;
    if (password.length >= 14) score = 2;
    if (password.length >= 16) score = 3;
    if (password.length >= 20) score = 4;
    if (classes >= 3 && password.length >= 12) score += 1;
    if (/^[0-9]+$/.test(password) || /(.)\1\1/.test(password)) score -= 2;
    if (hasRun(lower)) score -= 2;
    // A common word or the user's own name or username makes any length guessable.
    const personal = context.some((word) => word.length >= 3 && lower.includes(word));
    if (personal || COMMON.some((word) => lower.includes(word))) score = 0;
    return Math.max(0, Math.min(4, score));
  }

  function addToggle(input, words) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm px-0 password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    button.textContent = words.show;
    button.addEventListener("click", () => {
      const shown = input.type === "password";
      input.type = shown ? "text" : "password";
      button.textContent = shown ? words.hide : words.show;
      button.setAttribute("aria-pressed", String(shown));
      input.focus();
    });
    input.insertAdjacentElement("afterend", button);
    // A shown password is hidden again before the form leaves (the browser's history keeps
    // no typed text field's value that way).
    if (input.form) {
      input.form.addEventListener("submit", () => {
        input.type = "password";
      });
    }
    return button;
  }

  function addMeter(input, after) {
    const words = JSON.parse(input.dataset.passwordStrength);
    const context = (input.dataset.passwordContext || "")
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const wrapper = document.createElement("div");
    wrapper.className = "password-strength small";
    const meter = document.createElement("meter");
    meter.min = 0;
    meter.max = 4;
    meter.low = 2;
    meter.high = 3;
    meter.optimum = 4;
    meter.value = 0;
    meter.className = "password-meter";
    meter.id = `${input.id}-strength`;
    const text = document.createElement("span");
    text.setAttribute("aria-live", "polite");
    text.dataset.passwordStrengthText = "";
    const label = input.dataset.passwordStrengthLabel || "";
    const update = () => {
      const score = strength(input.value, context);
      meter.value = score;
      text.textContent = input.value ? `${label}: ${words[score]}` : "";
    };
    input.addEventListener("input", update);
    meter.setAttribute("aria-hidden", "true");
    wrapper.append(meter, text);
    after.insertAdjacentElement("afterend", wrapper);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const words = {
      show: document.body.dataset.passwordShow || "Vis",
      hide: document.body.dataset.passwordHide || "Skjul",
    };
    document.querySelectorAll('input[type="password"]').forEach((input) => {
      const button = addToggle(input, words);
      if (input.dataset.passwordStrength) addMeter(input, button);
    });
  });
})();
