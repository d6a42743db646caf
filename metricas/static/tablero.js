// Tablero en vivo: pinta el estado que manda el servidor por websocket (sin sondeo).
// No decide nada: niveles, alertas y textos vienen preparados. Solo corre los relojes
// (desde_ms) y marca «vencido» cuando llega vence_ms, ambos calculados en el servidor.
(function () {
  "use strict";
  const raiz = document.getElementById("tablero");
  if (!raiz) return;
  let desfase = 0; // reloj del servidor - reloj local
  let graficas = {};
  let intento = 0;

  function celda(tr, texto, etiqueta) {
    const td = document.createElement(etiqueta || "td");
    td.textContent = texto;
    if (etiqueta === "th") td.scope = "row";
    tr.appendChild(td);
    return td;
  }

  function reloj(td, desde, vence) {
    td.dataset.desde = desde || "";
    td.dataset.vence = vence || "";
  }

  function pintarTramites(filas) {
    const cuerpo = document.getElementById("tramites");
    cuerpo.replaceChildren();
    for (const r of filas) {
      const tr = document.createElement("tr");
      tr.className = "nivel-" + r.nivel;
      tr.dataset.clave = r.clave;
      celda(tr, r.nombre, "th");
      celda(tr, String(r.esperando));
      reloj(celda(tr, r.espera_antigua), r.desde_ms, r.vence_ms);
      celda(tr, r.espera_media);
      celda(tr, r.meta);
      celda(tr, r.nivel_servicio);
      celda(tr, String(r.atendidos));
      celda(tr, r.eta_error);
      celda(tr, r.eta_cobertura);
      cuerpo.appendChild(tr);
    }
  }

  function pintarVentanillas(filas) {
    const cuerpo = document.getElementById("ventanillas");
    cuerpo.replaceChildren();
    for (const v of filas) {
      const tr = document.createElement("tr");
      tr.className = "nivel-" + v.nivel + " estado-" + v.estado_clave;
      tr.dataset.numero = v.numero;
      celda(tr, v.nombre, "th");
      celda(tr, v.estado);
      celda(tr, v.persona);
      celda(tr, v.folio).className = "folio";
      celda(tr, v.tramite);
      reloj(celda(tr, v.transcurrido), v.desde_ms, v.vence_ms);
      celda(tr, v.meta);
      cuerpo.appendChild(tr);
    }
  }

  function pintarPantallas(filas) {
    const cuerpo = document.getElementById("pantallas");
    cuerpo.replaceChildren();
    for (const p of filas) {
      const tr = document.createElement("tr");
      tr.className = "nivel-" + p.nivel;
      celda(tr, p.nombre, "th");
      celda(tr, p.conexion);
      celda(tr, p.voz).className = "voz";
      celda(tr, p.audio).className = "audio";
      celda(tr, p.detalle);
      cuerpo.appendChild(tr);
    }
    document.getElementById("sin-pantallas").hidden = filas.length > 0;
  }

  function pintarLista(id, elementos, vacio) {
    const ul = document.getElementById(id);
    ul.replaceChildren();
    for (const a of elementos) {
      const li = document.createElement("li");
      li.className = "nivel-" + a.nivel;
      li.textContent = a.texto;
      ul.appendChild(li);
    }
    if (!elementos.length && vacio) {
      const li = document.createElement("li");
      li.className = "sin-alertas";
      li.textContent = vacio;
      ul.appendChild(li);
    }
  }

  // «Últimos movimientos»: el servidor manda los renglones ya redactados (hora local incluida).
  function pintarMovimientos(movimientos) {
    const ol = document.getElementById("bitacora");
    ol.replaceChildren();
    for (const m of movimientos) {
      const li = document.createElement("li");
      li.className = "nivel-" + m.nivel;
      const hora = document.createElement("time");
      hora.textContent = m.hora;
      li.append(hora, " " + m.texto);
      ol.appendChild(li);
    }
    if (!movimientos.length) {
      const li = document.createElement("li");
      li.className = "sin-movimientos";
      li.textContent = ol.dataset.vacio || "Sin movimientos todavía.";
      ol.appendChild(li);
    }
  }

  function grafica(id, datos, series, barras) {
    const caja = document.getElementById(id);
    if (!window.uPlot || !caja) return;
    const ancho = Math.max(280, caja.clientWidth || 480);
    const etiquetas = datos.etiquetas;
    const enEje = datos.etiquetas_eje || etiquetas;
    const opciones = {
      width: ancho,
      height: 220,
      padding: [12, 24, 0, 0], // margen a la derecha: la última etiqueta no se corta
      legend: { show: true },
      // Barras: medio rango de margen a cada lado, para que la primera y la última no se corten.
      scales: { x: barras ? { time: false, range: (u, min, max) => [min - 0.5, max + 0.5] } : { time: false } },
      axes: [
        {
          label: datos.eje, labelSize: 24,
          values: (u, vals) => vals.map((v) => Number.isInteger(v) && enEje[v] !== undefined ? enEje[v] : ""),
        },
        {},
      ],
      series: [{ label: datos.eje, value: (u, v) => (v === null || v === undefined ? "--" : etiquetas[v]) }].concat(series.map((s) => ({
        label: s.etiqueta, stroke: s.color, width: 2,
        fill: barras ? s.color + "55" : undefined,
        paths: barras ? window.uPlot.paths.bars({ size: [0.8] }) : undefined,
      }))),
    };
    const xs = etiquetas.map((_, i) => i);
    const valores = [xs].concat(series.map((s) => datos[s.campo]));
    if (graficas[id]) graficas[id].destroy();
    caja.replaceChildren();
    graficas[id] = new window.uPlot(opciones, valores, caja);
  }

  function pintar(e) {
    desfase = e.ahora_ms - Date.now();
    document.getElementById("generado").textContent = e.generado;
    for (const dd of document.querySelectorAll("#resumen [data-campo]")) {
      dd.textContent = e.resumen[dd.dataset.campo];
    }
    pintarTramites(e.tramites);
    pintarVentanillas(e.ventanillas);
    pintarPantallas(e.pantallas || []);
    pintarLista("alertas", e.alertas, "Sin alertas.");
    pintarMovimientos(e.movimientos || []);
    grafica("grafica-llegadas", e.graficas.llegadas, [
      { etiqueta: "Hoy", campo: "hoy", color: "#1f5fa8" },
      { etiqueta: "Lo usual", campo: "usual", color: "#9a6700" },
    ], false);
    grafica("grafica-espera", e.graficas.espera, [
      { etiqueta: "Turnos", campo: "turnos", color: "#2e7d32" },
    ], true);
    raiz.dataset.seq = e.seq;
  }

  function texto(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + " s";
    const m = Math.floor(s / 60);
    if (m < 60) return s % 60 ? m + " min " + String(s % 60).padStart(2, "0") + " s" : m + " min";
    return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min";
  }

  function correrRelojes() {
    const ahora = Date.now() + desfase;
    for (const td of raiz.querySelectorAll("td[data-desde]")) {
      if (!td.dataset.desde) continue;
      td.textContent = texto(ahora - Number(td.dataset.desde));
      td.classList.toggle("vencido", !!td.dataset.vence && ahora >= Number(td.dataset.vence));
    }
  }

  function estadoConexion(clave, textoVisible) {
    const p = document.getElementById("conexion");
    p.dataset.estado = clave;
    p.textContent = textoVisible;
  }

  function conectar() {
    const url = new URL(raiz.dataset.ws, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    ws.onopen = () => { intento = 0; estadoConexion("en-vivo", "En vivo"); };
    ws.onmessage = (m) => {
      const e = JSON.parse(m.data);
      if (e.tipo === "tablero") {
        pintar(e);
        // Para los fragmentos de otras capacidades en el tablero (p. ej. la encuesta).
        document.dispatchEvent(new CustomEvent("turnos:tablero", { detail: e }));
      }
    };
    ws.onclose = () => {
      estadoConexion("reconectando", "Sin conexión; reconectando…");
      intento = Math.min(intento + 1, 6);
      setTimeout(conectar, 500 * 2 ** intento);
    };
  }

  try {
    pintar(JSON.parse(raiz.dataset.estado));
  } catch (err) {
    console.error(err);
  }
  setInterval(correrRelojes, 1000);
  conectar();
})();
