// Ticket móvil: aplica la vista que manda el servidor por websocket; reconecta solo.
(function () {
  "use strict";
  const token = document.body.dataset.token;
  const campo = (n) => document.querySelector(`[data-campo="${n}"]`);
  let terminado = false;
  let espera = 1000;

  function aplicar(v) {
    for (const k of ["folio", "tramite", "clase", "titulo", "detalle", "personas", "espera"]) {
      const el = campo(k);
      el.textContent = v[k];
      if (k === "personas" || k === "espera") el.hidden = !v[k];
    }
    campo("tarjeta").classList.toggle("llamado", v.llamado);
    campo("cancelar").hidden = !v.puede_cancelar;
    campo("nota").hidden = v.terminado;
    campo("nota-cancelar").hidden = !v.puede_cancelar;
    document.title = (v.llamado ? "¡Es su turno! " : "") + `Turno ${v.folio}`;
    if (v.llamado && navigator.vibrate) navigator.vibrate([300, 150, 300]);
    terminado = v.terminado;
    // Para los fragmentos de otras capacidades en esta página (p. ej. la encuesta).
    document.dispatchEvent(new CustomEvent("turnos:vista", { detail: v }));
  }

  function conectar() {
    if (terminado) return;
    const esquema = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${esquema}://${location.host}/ws/t/${encodeURIComponent(token)}`);
    ws.onopen = () => { campo("conexion").textContent = ""; espera = 1000; };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.tipo === "estado") aplicar(msg.vista);
    };
    ws.onclose = () => {
      if (terminado) return;
      campo("conexion").textContent = "Reconectando…";
      setTimeout(conectar, espera);
      espera = Math.min(espera * 2, 30000);
    };
  }

  const confirmar = document.getElementById("confirmar");
  const error = document.getElementById("error-cancelar");
  document.getElementById("no-espero").addEventListener("click", () => {
    confirmar.hidden = false;
    document.getElementById("no-cancelar").focus();
  });
  document.getElementById("no-cancelar").addEventListener("click", () => { confirmar.hidden = true; });
  document.getElementById("si-cancelar").addEventListener("click", async () => {
    error.hidden = true;
    try {
      const r = await fetch(`/api/v1/turnos/${encodeURIComponent(token)}/cancelar`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
      });
      if (!r.ok) {
        const datos = await r.json().catch(() => ({}));
        throw new Error(datos.mensaje || "No se pudo cancelar.");
      }
      const v = await fetch(`/api/v1/seguimiento/${encodeURIComponent(token)}`);
      confirmar.hidden = true;
      if (v.ok) aplicar(await v.json());
    } catch (e) {
      error.textContent = e.message || "No se pudo cancelar; intente de nuevo.";
      error.hidden = false;
    }
  });

  conectar();
})();
