// Tableta de ventanilla: reposo → encuesta (empujada por websocket) → gracias → reposo.
(function () {
  "use strict";
  const cuerpo = document.body;
  const desc = JSON.parse(document.getElementById("descripcion").textContent);
  const token = cuerpo.dataset.token;
  const url = `/ws/encuesta/${encodeURIComponent(cuerpo.dataset.centro)}/${cuerpo.dataset.ventanilla}`;
  const raiz = document.getElementById("encuesta");
  const reposo = document.getElementById("reposo");
  const conexion = document.getElementById("conexion");
  const GRACIAS_MS = Number(cuerpo.dataset.graciasMs || 5000);
  const INACTIVIDAD_MS = Number(cuerpo.dataset.inactividadMs || 60000);
  let actual = null; // clave en pantalla
  let hecha = new Set(); // claves ya respondidas o descartadas aquí
  let control = null;
  let reloj = null;
  let espera = 1000;

  function aReposo() {
    clearTimeout(reloj);
    actual = null;
    control = null;
    raiz.hidden = true;
    raiz.replaceChildren();
    reposo.hidden = false;
    cuerpo.dataset.estado = "reposo";
  }

  function vigilar() {
    clearTimeout(reloj);
    reloj = setTimeout(() => {
      if (control) control.enviarSiHay();
      if (actual) hecha.add(actual);
      aReposo();
    }, INACTIVIDAD_MS);
  }

  function mostrar(msg) {
    if (hecha.has(msg.clave) || actual === msg.clave) return;
    actual = msg.clave;
    reposo.hidden = true;
    raiz.hidden = false;
    cuerpo.dataset.estado = "encuesta";
    cuerpo.dataset.clave = msg.clave;
    const cabeceras = { "Content-Type": "application/json" };
    if (token) cabeceras.Authorization = `Bearer ${token}`;
    control = window.Encuesta.montar(raiz, desc, msg.clave, {
      cabeceras,
      alActividad: vigilar,
      // Su propia respuesta también llega como «reposo» por el websocket: que no borre «gracias».
      alEnviar: () => { cuerpo.dataset.estado = "enviando"; clearTimeout(reloj); },
      alFallar: () => { cuerpo.dataset.estado = "encuesta"; vigilar(); },
      alTerminar: () => {
        hecha.add(msg.clave);
        clearTimeout(reloj);
        cuerpo.dataset.estado = "gracias";
        reloj = setTimeout(aReposo, GRACIAS_MS);
      },
    });
    vigilar();
  }

  function conectar() {
    const esquema = location.protocol === "https:" ? "wss" : "ws";
    const q = token ? `?token=${encodeURIComponent(token)}` : "";
    const ws = new WebSocket(`${esquema}://${location.host}${url}${q}`);
    ws.onopen = () => { conexion.textContent = ""; espera = 1000; };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.tipo === "encuesta") mostrar(msg);
      else if (msg.tipo === "reposo" && cuerpo.dataset.estado === "encuesta") aReposo();
    };
    ws.onclose = () => {
      conexion.textContent = "Reconectando…";
      setTimeout(conectar, espera);
      espera = Math.min(espera * 2, 30000);
    };
  }

  aReposo();
  conectar();
})();
