// Security keys (WebAuthn): the two ceremonies of siv/webauthn.py. A form with
// data-webauthn-register or data-webauthn-authenticate carries the server's options (JSON,
// binary values in base64url); its submit asks the browser's authenticator and posts the
// answer as "credential", beside the form's fields (the CSRF token). The server answers
// {"redirect": url} or {"error": message}.
(() => {
  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  const withBytes = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

  function creationOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      user: { ...options.user, id: toBytes(options.user.id) },
      excludeCredentials: withBytes(options.excludeCredentials),
    };
  }

  function requestOptions(options) {
    return {
      ...options,
      challenge: toBytes(options.challenge),
      allowCredentials: withBytes(options.allowCredentials),
    };
  }

  function asJson(credential) {
    const response = {};
    for (const name of [
      "clientDataJSON",
      "attestationObject",
      "authenticatorData",
      "signature",
      "userHandle",
    ]) {
      if (credential.response[name]) response[name] = toText(credential.response[name]);
    }
    if (credential.response.getTransports) {
      response.transports = credential.response.getTransports();
    }
    return JSON.stringify({
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response,
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  async function ceremony(form, ask) {
    const error = form.querySelector("[data-webauthn-error]");
    error.classList.add("d-none");
    try {
      const credential = await ask(JSON.parse(form.dataset.webauthnOptions));
      const body = new FormData(form);
      body.append("credential", asJson(credential));
      const answer = await fetch(form.action || window.location.href, {
        method: "POST",
        body,
        credentials: "same-origin",
      });
      const result = await answer.json();
      if (result.redirect) {
        window.location.assign(result.redirect);
        return;
      }
      error.textContent = result.error;
    } catch (problem) {
      console.error(problem);
      error.textContent = form.dataset.webauthnFailed || String(problem);
    }
    error.classList.remove("d-none");
  }

  document.addEventListener("DOMContentLoaded", () => {
    const supported = Boolean(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll("[data-webauthn-unsupported]").forEach((note) => {
      note.hidden = supported;
    });
    document.querySelectorAll("form[data-webauthn-register]").forEach((form) => {
      form.querySelector('button[type="submit"]').disabled = !supported;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        ceremony(form, (options) =>
          navigator.credentials.create({ publicKey: creationOptions(options) }),
        );
      });
    });
    document.querySelectorAll("form[data-webauthn-authenticate]").forEach((form) => {
      form.hidden = !supported;
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        ceremony(form, (options) =>
          navigator.credentials.get({ publicKey: requestOptions(options) }),
        );
      });
    });
  });
})();
