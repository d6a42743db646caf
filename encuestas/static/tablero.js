// Fragmento del tablero: CSAT del día (n e intervalo) y tasa de respuesta, textos del servidor.
(function () {
  "use strict";
  const caja = document.getElementById("csat-dia");
  if (!caja) return;
  async function leer() {
    const r = await fetch(`/api/v1/centros/${encodeURIComponent(caja.dataset.centro)}/encuestas/resumen`);
    if (!r.ok) return;
    const d = await r.json();
    caja.querySelector("[data-campo=texto]").textContent = d.texto;
    caja.querySelector("[data-campo=tasa]").textContent = d.texto_tasa;
  }
  // Sin sondeo: se relee cuando el tablero recibe su estado por websocket (cada tanda de
  // eventos, incluidas las respuestas), a lo más una vez cada 5 s.
  let pendiente = null;
  let ultima = 0;
  function pronto() {
    if (pendiente) return;
    const falta = Math.max(0, ultima + 5000 - Date.now());
    pendiente = setTimeout(() => { pendiente = null; ultima = Date.now(); leer(); }, falta);
  }
  ultima = Date.now();
  leer();
  document.addEventListener("turnos:tablero", pronto);
})();
