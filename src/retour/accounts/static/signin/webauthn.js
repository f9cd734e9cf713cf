// Security keys and passkeys (ADR 0014): a button with data-webauthn="get" (sign in, confirm)
// or "create" (add a key) asks the browser with the options the page carries (json_script),
// puts the browser's answer in the form's "credential" field and sends the form; the server
// checks it. Without WebAuthn in the browser the buttons stay hidden and the code is asked.
(function () {
  "use strict";

  function bytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64 + "===".slice((base64.length + 3) % 4)),
      (c) => c.charCodeAt(0));
  }

  function text(buffer) {
    if (!buffer) return null;
    const binary = String.fromCharCode(...new Uint8Array(buffer));
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function publicKey(options) {
    const key = Object.assign({}, options, { challenge: bytes(options.challenge) });
    const listed = (list) => (list || []).map((c) => Object.assign({}, c, { id: bytes(c.id) }));
    if (options.user) key.user = Object.assign({}, options.user, { id: bytes(options.user.id) });
    if (options.allowCredentials) key.allowCredentials = listed(options.allowCredentials);
    if (options.excludeCredentials) key.excludeCredentials = listed(options.excludeCredentials);
    return key;
  }

  function answer(credential) {
    const r = credential.response;
    const response = { clientDataJSON: text(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      response.userHandle = text(r.userHandle);
    }
    return JSON.stringify({
      id: credential.id, rawId: text(credential.rawId), type: credential.type, response,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
    });
  }

  document.querySelectorAll("[data-webauthn]").forEach((button) => {
    const section = document.getElementById(button.dataset.section);
    if (!window.PublicKeyCredential || !navigator.credentials) return;
    if (section) section.hidden = false;
    const instead = document.getElementById(button.dataset.instead);
    if (instead) instead.hidden = true;
    button.addEventListener("click", async () => {
      const form = button.form;
      const status = document.getElementById(button.dataset.status);
      const name = form.elements.namedItem("name");
      if (name && !name.value.trim()) {
        form.submit(); // the page says that the key needs a name
        return;
      }
      const options = JSON.parse(document.getElementById(button.dataset.options).textContent);
      button.disabled = true;
      try {
        const credential = button.dataset.webauthn === "create"
          ? await navigator.credentials.create({ publicKey: publicKey(options) })
          : await navigator.credentials.get({ publicKey: publicKey(options) });
        form.elements.namedItem("credential").value = answer(credential);
        form.submit();
      } catch (error) {
        button.disabled = false;
        if (status) {
          status.hidden = false;
          status.textContent = button.dataset.failed;
        }
      }
    });
  });
})();
