// /admin: «Escuchar un ejemplo» de la voz de las pantallas con los valores del formulario.
// La elección de voz es la misma de la pantalla (TurnosAnuncios.elegirVoz).
(function () {
  "use strict";
  const form = document.getElementById("form-voz");
  const boton = document.getElementById("probar-voz");
  const resultado = document.getElementById("resultado-voz");
  if (!form || !boton || !window.TurnosAnuncios) return;

  boton.addEventListener("click", async () => {
    resultado.textContent = "Buscando voz…";
    const r = await window.TurnosAnuncios.probar(form.dataset.frase, {
      voz: form.elements.voz_nombre.value.trim(),
      idiomas: form.dataset.idiomas.split(","),
      velocidad: parseFloat(form.elements.voz_velocidad.value) || 1,
      volumen: (parseFloat(form.elements.voz_volumen.value) || 0) / 100,
    });
    if (!r.voz) resultado.textContent = "Este navegador no tiene ninguna voz en español.";
    else if (r.error) resultado.textContent = `No se pudo decir con ${r.voz}: ${r.error}.`;
    else resultado.textContent = `Se escuchó con: ${r.voz} (${r.lang}).`;
  });
})();
