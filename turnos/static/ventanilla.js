// /ventanilla: atajos de teclado, cronómetro, acciones sin recargar y lista de espera en vivo.
// Sin reglas de negocio: los botones son formularios normales (funcionan sin JS); esto solo los
// envía con fetch y pone en la página el HTML que el servidor devuelve.
(function () {
  "use strict";
  var principal = function () { return document.getElementById("principal"); };
  var enVuelo = false; // una acción a la vez: el doble pulso se ignora (el servidor también)
  var generacion = 0; // sube con cada reemplazo: una lista pedida antes ya no vale
  var envivo = "";

  // --- Atajos: la tecla acciona el botón que la declara (data-tecla).
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

  // --- Cronómetro: desde el momento que dice el servidor (data-desde); se busca en cada tic
  // porque la región se reemplaza tras cada acción.
  var pintarCrono = function () {
    var crono = document.querySelector(".cronometro[data-desde]");
    if (!crono || !crono.dataset.desde) return;
    var desde = Number(crono.dataset.desde);
    var maximo = Number(crono.dataset.maximoMin || 0) * 60;
    var s = Math.max(0, Math.floor((Date.now() - desde) / 1000));
    crono.querySelector(".reloj").textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    crono.classList.toggle("excedido", maximo > 0 && s > maximo);
  };
  pintarCrono();
  setInterval(pintarCrono, 1000);

  // --- Acciones sin recargar: cualquier <form method="post"> de la región principal.
  var enfocarPrimaria = function (region) {
    var p = region.querySelector("[data-primaria]:not([disabled])");
    if (p) p.focus();
  };
  var avisoDeRed = function (region) {
    var p = document.createElement("p");
    p.className = "aviso aviso-error";
    p.setAttribute("role", "alert");
    p.textContent = "No se pudo enviar: revise la conexión e intente de nuevo.";
    region.insertBefore(p, region.firstChild);
  };
  // conservarFoco: un refresco que nadie pidió (el plazo de «No se presentó») no mueve el foco.
  var reemplazar = function (html, conservarFoco) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var nuevo = doc.getElementById("principal");
    var region = principal();
    if (!nuevo || !region) return false;
    var tecla = conservarFoco && document.activeElement ? document.activeElement.dataset.tecla : null;
    generacion += 1;
    region.innerHTML = nuevo.innerHTML;
    if (doc.title) document.title = doc.title;
    var cola = document.getElementById("cola");
    if (cola && envivo) cola.dataset.envivo = envivo;
    pintarCrono();
    var previo = tecla ? region.querySelector('button[data-tecla="' + tecla + '"]') : null;
    if (previo) previo.focus();
    else enfocarPrimaria(region);
    programarHabilitar();
    return true;
  };

  // --- Un botón deshabilitado por un plazo del servidor (data-habilita-en-s): al cumplirse, se
  // vuelve a pedir la página y el servidor decide si ya se habilita.
  var temporizador = null;
  var programarHabilitar = function () {
    clearTimeout(temporizador);
    var b = document.querySelector("button[data-habilita-en-s]");
    var s = b ? Number(b.dataset.habilitaEnS) : 0;
    if (!s || !window.fetch) return;
    temporizador = setTimeout(function () {
      if (enVuelo) return; // la respuesta de esa acción ya trae la página al día
      fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
        .then(function (html) { if (html && !enVuelo) reemplazar(html, true); })
        .catch(function () { /* sin red: el botón sigue como estaba */ });
    }, s * 1000 + 250);
  };
  programarHabilitar();

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var region = principal();
    if (!region || !region.contains(form) || form.dataset.sinFetch) return;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post" || !window.fetch) return;
    e.preventDefault();
    if (enVuelo) return;
    enVuelo = true;
    region.setAttribute("aria-busy", "true");
    var datos = new FormData(form);
    if (e.submitter && e.submitter.name) datos.append(e.submitter.name, e.submitter.value);
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(datos),
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (r) {
        var destino = new URL(r.url);
        if (r.redirected && destino.pathname !== location.pathname) {
          location.assign(r.url); // p. ej. la sesión expiró: el login lo dice
          return null;
        }
        return r.text().then(function (html) {
          if (!reemplazar(html)) location.assign(r.url);
        });
      })
      .catch(function () { avisoDeRed(region); })
      .then(function () {
        enVuelo = false;
        var r = principal();
        if (r) r.removeAttribute("aria-busy");
      });
  });

  // --- En vivo: el websocket de las pantallas (con la cookie) trae los conteos; la lista de
  // folios (datos del personal) se pide al servidor como fragmento HTML con la sesión.
  var pintarConteos = function (cola) {
    var tabla = document.getElementById("cola");
    if (!tabla) return;
    Object.keys(cola || {}).forEach(function (clave) {
      var celda = tabla.querySelector('tr[data-clave="' + clave + '"] td.num');
      var valor = cola[clave];
      if (celda) celda.textContent = typeof valor === "object" ? valor.esperando : valor;
    });
  };
  var pendiente = null;
  var refrescarLista = function () {
    var vigente = document.getElementById("cola-ventanilla");
    if (!vigente || !window.fetch) return;
    var gen = generacion;
    fetch(vigente.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var actual = document.getElementById("cola-ventanilla");
        if (!html || !actual || gen !== generacion) return;
        var nueva = new DOMParser().parseFromString(html, "text/html").getElementById("cola-ventanilla");
        if (!nueva) return;
        var lista = actual.querySelector("[data-cola-lista]");
        if (lista && nueva.dataset.conLlamar === actual.dataset.conLlamar) {
          // Misma forma: solo cambia la lista; el motivo escrito y el foco se quedan.
          var foco = document.activeElement;
          var folio = foco && lista.contains(foco) && foco.name === "folio" ? foco.value : null;
          lista.replaceWith(nueva.querySelector("[data-cola-lista]"));
          if (folio) {
            var b = actual.querySelector('button[name="folio"][value="' + CSS.escape(folio) + '"]');
            if (b) b.focus();
          }
        } else {
          actual.replaceWith(nueva);
        }
      })
      .catch(function () { /* la siguiente señal lo intenta de nuevo */ });
  };
  var pedirLista = function () {
    clearTimeout(pendiente);
    pendiente = setTimeout(refrescarLista, 150); // una ráfaga de eventos, una sola petición
  };

  var tabla = document.getElementById("cola");
  if (!tabla || !window.WebSocket) return;
  var centro = tabla.dataset.centro;
  var espera = 1000;
  var marcar = function (valor) {
    envivo = valor;
    var t = document.getElementById("cola");
    if (t) t.dataset.envivo = valor;
  };
  var conectar = function () {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/ws/pantalla/" + encodeURIComponent(centro));
    ws.onopen = function () { espera = 1000; marcar("si"); pedirLista(); };
    ws.onmessage = function (m) {
      var datos = JSON.parse(m.data);
      if (datos.cola) pintarConteos(datos.cola);
      if (datos.cola || datos.turno) pedirLista();
    };
    ws.onclose = function () {
      marcar("no");
      setTimeout(conectar, espera);
      espera = Math.min(espera * 2, 30000);
    };
  };
  conectar();
})();
