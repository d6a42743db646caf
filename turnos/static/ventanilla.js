// Atajos de teclado y cronómetro de la página /ventanilla. Sin reglas de negocio:
// los botones son formularios normales; esto solo los acciona con una tecla.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var boton = document.querySelector('button[data-tecla="' + e.key.toUpperCase() + '"]');
    if (boton && !boton.disabled) {
      e.preventDefault();
      boton.form.requestSubmit ? boton.form.requestSubmit(boton) : boton.form.submit();
    }
  });

  var crono = document.querySelector(".cronometro");
  if (crono && crono.dataset.desde) {
    var desde = Number(crono.dataset.desde);
    var maximo = Number(crono.dataset.maximoMin || 0) * 60;
    var reloj = crono.querySelector(".reloj");
    var pintar = function () {
      var s = Math.max(0, Math.floor((Date.now() - desde) / 1000));
      reloj.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
      crono.classList.toggle("excedido", maximo > 0 && s > maximo);
    };
    pintar();
    setInterval(pintar, 1000);
  }
})();
