// Fragmento del tablero: CSAT del día (n e intervalo) leído de la API al cargar.
(function () {
  "use strict";
  const caja = document.getElementById("csat-dia");
  if (!caja) return;
  async function leer() {
    const r = await fetch(`/api/v1/centros/${encodeURIComponent(caja.dataset.centro)}/encuestas/resumen`);
    if (!r.ok) return;
    const d = await r.json();
    caja.querySelector("[data-campo=texto]").textContent = d.texto;
    caja.querySelector("[data-campo=tasa]").textContent =
      d.tasa_respuesta_pct === null ? "sin turnos atendidos" : `${d.tasa_respuesta_pct} % (${d.respuestas} de ${d.atendidos})`;
  }
  leer();
  document.addEventListener("visibilitychange", () => { if (!document.hidden) leer(); });
})();
