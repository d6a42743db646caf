// Encuesta en /t/{token}: la misma clave que la tableta. Si el turno termina con la página
// abierta, el kiosco avisa con el evento «turnos:vista» y aquí se pide la clave.
(function () {
  "use strict";
  const seccion = document.getElementById("encuesta-telefono");
  const pasos = document.getElementById("encuesta-tel-pasos");
  const token = document.body.dataset.token;
  let montada = false;

  async function montar(clave) {
    if (montada || !clave) return;
    montada = true;
    const r = await fetch(`/api/v1/encuestas/${encodeURIComponent(clave)}`);
    if (!r.ok) { montada = false; return; }
    const desc = await r.json();
    if (desc.estado !== "pendiente") return;
    seccion.hidden = false;
    window.Encuesta.montar(pasos, desc, clave, {});
  }

  document.addEventListener("turnos:vista", async (ev) => {
    if (montada || !ev.detail || !ev.detail.terminado) return;
    const r = await fetch(`/api/v1/turnos/${encodeURIComponent(token)}`);
    if (r.ok) montar((await r.json()).encuesta);
  });
  montar(seccion.dataset.clave);
})();
