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

// Personas en espera en vivo: el mismo websocket de las pantallas (con la cookie de sesión).
// Solo pinta los números que manda el servidor; se reconecta con espera creciente.
(function () {
  "use strict";
  var tabla = document.getElementById("cola");
  if (!tabla || !window.WebSocket) return;
  var espera = 1000;
  var pintar = function (cola) {
    Object.keys(cola || {}).forEach(function (clave) {
      var fila = tabla.querySelector('tr[data-clave="' + clave + '"] td.num');
      var valor = cola[clave];
      if (fila) fila.textContent = typeof valor === "object" ? valor.esperando : valor;
    });
  };
  var conectar = function () {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/ws/pantalla/" + encodeURIComponent(tabla.dataset.centro));
    ws.onopen = function () { espera = 1000; tabla.dataset.envivo = "si"; };
    ws.onmessage = function (m) {
      var datos = JSON.parse(m.data);
      if (datos.cola) pintar(datos.cola);
    };
    ws.onclose = function () {
      tabla.dataset.envivo = "no";
      setTimeout(conectar, espera);
      espera = Math.min(espera * 2, 30000);
    };
  };
  conectar();
})();
