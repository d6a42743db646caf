// Pantalla de sala de espera: muestra llamados y colas, y los anuncia en orden.
// Solo presentación: el servidor manda snapshot + eventos con seq; aquí no hay reglas de negocio.
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const datos = document.body.dataset;
  const cfg = {
    centro: datos.centro,
    token: datos.token || "",
    ws: datos.ws,
    tramites: datos.tramites || "",
    plantilla: datos.plantilla || "Turno {letra} {numero}, {ventanilla}",
    volumen: Math.min(1, Math.max(0, parseFloat(datos.volumen) || 1)),
    repeticiones: Math.max(1, parseInt(datos.repeticiones, 10) || 1),
    velocidad: parseFloat(datos.velocidad) || 0.9,
    rotacionMs: Math.max(3, parseInt(datos.rotacion, 10) || 12) * 1000,
    zona: datos.zona || undefined,
    maximo: Math.max(1, parseInt(datos.maximo, 10) || 8),
    silencioMs: Math.max(5, parseInt(datos.silencio, 10) || 45) * 1000,
    voz: datos.vozNombre || "",
    idiomas: (datos.idiomas || "").split(",").filter(Boolean),
  };

  const ACTIVOS = new Set(["llamado", "en_atencion"]);
  const LLAMADOS = new Set(["turno_llamado", "turno_rellamado"]);
  const SALEN = new Set(["turno_cancelado", "turno_transferido", "turno_expirado"]);
  // Atendidos o ausentes siguen a la vista como «últimos llamados» (quien se distrajo ve que ya
  // lo llamaron y a dónde) hasta que los empujan llamados nuevos (cfg.maximo en total).
  const TERMINAN = { turno_finalizado: "atendido", turno_ausente: "ausente" };
  const VISIBLES = new Set([...ACTIVOS, ...Object.values(TERMINAN)]);

  // llamados: los últimos llamados, el más reciente primero. cola: clave -> {nombre, esperando,
  // espera (texto del servidor)}.
  const estado = { seq: null, llamados: [], cola: {}, mensajes: [] };

  // ---------------------------------------------------------------- eventos

  function procesar(msg) {
    if (msg.tipo === "snapshot") return aplicarSnapshot(msg);
    if (msg.tipo === "esperas") return aplicarEsperas(msg.esperas || {});
    if (typeof msg.seq !== "number") return;
    if (msg.tipo === "latido") {
      if (estado.seq === null || msg.seq > estado.seq) fijarSeq(msg.seq);
      enviarEstado(); // el latido de vuelta dice al tablero si esta pantalla suena
      return;
    }
    if (estado.seq !== null && msg.seq <= estado.seq) return; // ya visto
    fijarSeq(msg.seq);
    aplicarEvento(msg);
  }

  function fijarSeq(seq) {
    estado.seq = seq;
    document.body.dataset.seq = String(seq);
  }

  function aplicarSnapshot(s) {
    fijarSeq(s.seq);
    if (s.centro) {
      if (s.centro.nombre) $("centro-nombre").textContent = s.centro.nombre;
      if (s.centro.horario_texto !== undefined) $("horario").textContent = s.centro.horario_texto;
      if (Array.isArray(s.centro.mensajes)) estado.mensajes = s.centro.mensajes.slice();
    }
    estado.llamados = (s.llamados || []).filter((l) => VISIBLES.has(l.estado)).map((l) => ({
      folio: l.folio, tramite: l.tramite, tramite_nombre: l.tramite_nombre,
      ventanilla: l.ventanilla || {}, estado: l.estado, seq: l.seq,
    })).slice(0, cfg.maximo);
    const antes = estado.cola;
    estado.cola = {};
    for (const [clave, c] of Object.entries(s.cola || {})) {
      const espera = antes[clave] ? antes[clave].espera : "";
      estado.cola[clave] = { nombre: c.nombre || clave, esperando: c.esperando || 0, espera: espera };
    }
    renderizar(false);
  }

  // Espera estimada por trámite: el texto ya viene preparado del servidor.
  function aplicarEsperas(esperas) {
    for (const [clave, texto] of Object.entries(esperas)) {
      if (estado.cola[clave]) estado.cola[clave].espera = texto;
    }
    renderizar(false);
  }

  function aplicarEvento(e) {
    const t = e.turno;
    for (const [clave, n] of Object.entries(e.cola || {})) {
      if (!estado.cola[clave]) estado.cola[clave] = { nombre: clave, esperando: 0, espera: "" };
      estado.cola[clave].esperando = n;
    }
    if (t && t.tramite_nombre && estado.cola[t.tramite]) {
      estado.cola[t.tramite].nombre = t.tramite_nombre;
    }
    let nuevo = false;
    if (LLAMADOS.has(e.tipo) && t) {
      quitar(t.folio);
      const llamado = {
        folio: t.folio, tramite: t.tramite, tramite_nombre: t.tramite_nombre,
        ventanilla: e.ventanilla || {}, estado: "llamado", seq: e.seq,
      };
      estado.llamados.unshift(llamado);
      estado.llamados = estado.llamados.slice(0, cfg.maximo);
      encolarAnuncio(llamado);
      nuevo = true;
    } else if (e.tipo === "turno_iniciado" && t) {
      const l = estado.llamados.find((x) => x.folio === t.folio);
      if (l) l.estado = "en_atencion";
    } else if (TERMINAN[e.tipo] && t) {
      const l = estado.llamados.find((x) => x.folio === t.folio);
      if (l) l.estado = TERMINAN[e.tipo];
    } else if (SALEN.has(e.tipo) && t) {
      quitar(t.folio);
    } else if (e.tipo === "cierre_dia") {
      estado.llamados = [];
    }
    renderizar(nuevo);
  }

  function quitar(folio) {
    estado.llamados = estado.llamados.filter((l) => l.folio !== folio);
  }

  // ---------------------------------------------------------------- dibujo

  function textoVentanilla(v) {
    return v.nombre || (v.numero !== undefined ? "Ventanilla " + v.numero : "");
  }

  function renderizar(destacar) {
    // Al frente, el llamado activo más reciente; abajo, los demás últimos llamados.
    const enCurso = estado.llamados.find((l) => ACTIVOS.has(l.estado));
    const visibles = estado.llamados.slice(0, cfg.maximo);
    if (enCurso && visibles[0] !== enCurso) {
      visibles.splice(visibles.indexOf(enCurso), 1);
      visibles.unshift(enCurso);
    }
    const actual = $("actual");
    if (enCurso) {
      actual.classList.remove("vacio");
      $("actual-folio").textContent = enCurso.folio;
      $("actual-ventanilla").textContent = textoVentanilla(enCurso.ventanilla);
    } else {
      actual.classList.add("vacio");
      $("actual-folio").textContent = "—";
      $("actual-ventanilla").textContent = "En espera de llamados";
    }
    if (destacar) destellar(actual);

    const cuerpo = $("recientes");
    cuerpo.replaceChildren(...visibles.slice(enCurso ? 1 : 0).map((l) => {
      const fila = document.createElement("tr");
      fila.className = l.estado;
      fila.dataset.folio = l.folio;
      for (const [clase, texto] of [["folio", l.folio], ["ventanilla", textoVentanilla(l.ventanilla)]]) {
        const celda = document.createElement("td");
        celda.className = clase;
        celda.textContent = texto;
        fila.appendChild(celda);
      }
      return fila;
    }));

    // Sin llamados anteriores no se muestra el encabezado «Turno / Pase a» sobre una tabla vacía.
    $("tabla-recientes").hidden = cuerpo.rows.length === 0;

    // Filas que no caben completas se ocultan: media fila cortada confunde a la distancia.
    const limite = cuerpo.closest(".tabla-recientes").getBoundingClientRect().bottom;
    for (const fila of Array.from(cuerpo.rows)) {
      fila.hidden = fila.getBoundingClientRect().bottom > limite + 1;
    }

    $("cola").replaceChildren(...Object.entries(estado.cola).map(([clave, c]) => {
      const li = document.createElement("li");
      li.dataset.tramite = clave;
      const nombre = document.createElement("span");
      nombre.className = "nombre";
      nombre.textContent = c.nombre;
      const cuantos = document.createElement("span");
      cuantos.className = "cuantos";
      cuantos.textContent = String(c.esperando);
      li.append(nombre, cuantos);
      if (c.espera) {
        const espera = document.createElement("span");
        espera.className = "espera-estimada";
        espera.textContent = c.espera;
        li.append(espera);
      }
      return li;
    }));
    ajustarCola();
  }

  // La lista de espera siempre cabe: primero se reduce la letra y, si ni así cabe, se divide en
  // páginas que rotan solas (en una TV nadie desplaza la pantalla).
  const ESCALAS = [1, 0.9, 0.8, 0.72, 0.65, 0.6];
  const PAGINA_MS = 10000;
  const paginacion = { paginas: 1, actual: 0 };

  function desborda(cola) {
    return cola.scrollHeight > cola.clientHeight + 1;
  }

  function ajustarCola() {
    const cola = $("cola");
    const items = Array.from(cola.children);
    for (const li of items) li.hidden = false;
    let i = 0;
    cola.style.setProperty("--escala", String(ESCALAS[0]));
    while (desborda(cola) && i < ESCALAS.length - 1) {
      i += 1;
      cola.style.setProperty("--escala", String(ESCALAS[i]));
    }
    let porPagina = items.length || 1;
    if (desborda(cola)) {
      const limite = cola.getBoundingClientRect().bottom + 1;
      const primero = items.findIndex((li) => li.getBoundingClientRect().bottom > limite);
      if (primero >= 0) porPagina = Math.max(1, primero);
    }
    paginacion.paginas = Math.max(1, Math.ceil(items.length / porPagina));
    paginacion.actual %= paginacion.paginas;
    items.forEach((li, n) => { li.hidden = Math.floor(n / porPagina) !== paginacion.actual; });
    const indicador = $("cola-pagina");
    indicador.hidden = paginacion.paginas < 2;
    indicador.textContent = `${paginacion.actual + 1} de ${paginacion.paginas}`;
  }

  setInterval(() => {
    if (paginacion.paginas < 2) return;
    paginacion.actual = (paginacion.actual + 1) % paginacion.paginas;
    ajustarCola();
  }, PAGINA_MS);

  function destellar(el) {
    el.classList.remove("destello");
    void el.offsetWidth; // reinicia la animación
    el.classList.add("destello");
  }

  // ---------------------------------------------------------------- anuncios

  function destellarFolio(folio) {
    if ($("actual-folio").textContent === folio) return destellar($("actual"));
    const fila = $("recientes").querySelector(`tr[data-folio="${CSS.escape(folio)}"]`);
    if (fila) destellar(fila);
  }

  // Voz y audio: se muestran aquí (aviso pequeño) y se informan al servidor para el tablero.
  let sonido = {};
  let socket = null; // la conexión (abajo); declarada antes porque crear() ya informa
  function mostrarSonido(s) {
    sonido = s;
    if (s.voz !== null) document.body.dataset.voz = s.voz ? "si" : "no";
    if (s.audio !== null) document.body.dataset.audio = s.audio ? "si" : "no";
    $("sin-voz").hidden = s.voz !== false;
    enviarEstado();
  }

  function enviarEstado() {
    if (!socket || socket.readyState !== WebSocket.OPEN || sonido.voz === undefined) return;
    socket.send(JSON.stringify({
      tipo: "estado_pantalla", voz: sonido.voz, audio: sonido.audio,
      voz_nombre: sonido.voz_nombre, idioma: sonido.idioma, error: sonido.error,
    }));
  }

  const anunciador = window.TurnosAnuncios.crear(cfg, {
    estado: mostrarSonido,
    // Si ya lo atendieron (o lo cerraron) mientras esperaba su turno de voz, se omite.
    sigueActivo: (folio) => estado.llamados.some((x) => x.folio === folio && ACTIVOS.has(x.estado)),
    destellar: destellarFolio,
    textoVentanilla: textoVentanilla,
    avisoSonido: (mostrar) => { $("activar-sonido").hidden = !mostrar; },
  });
  const encolarAnuncio = anunciador.encolar;
  $("activar-sonido").addEventListener("click", anunciador.activarSonido);

  // ---------------------------------------------------------------- conexión

  let espera = 1000;
  let vigilante = null;
  let avisoCaida = null;

  function urlSocket() {
    const protocolo = location.protocol === "https:" ? "wss:" : "ws:";
    const q = new URLSearchParams();
    if (cfg.token) q.set("token", cfg.token);
    if (cfg.tramites) q.set("tramites", cfg.tramites);
    q.set("esperas", "1"); // la espera estimada por trámite llega por push con los eventos
    if (estado.seq !== null) q.set("desde", String(estado.seq));
    return `${protocolo}//${location.host}${cfg.ws}?${q}`;
  }

  function conectar() {
    socket = new WebSocket(urlSocket());
    socket.onopen = () => {
      espera = 1000;
      clearTimeout(avisoCaida);
      $("sin-conexion").hidden = true;
      document.body.dataset.conectado = "si";
      enviarEstado();
    };
    socket.onmessage = (m) => {
      vigilar();
      let msg;
      try { msg = JSON.parse(m.data); } catch (_e) { return; }
      procesar(msg);
    };
    socket.onclose = () => {
      document.body.dataset.conectado = "no";
      clearTimeout(vigilante);
      // El aviso espera un poco: una reconexión rápida no debe parpadear en la sala.
      if (!avisoCaida) avisoCaida = setTimeout(() => { $("sin-conexion").hidden = false; }, 5000);
      setTimeout(conectar, espera * (0.8 + Math.random() * 0.4));
      espera = Math.min(espera * 2, 30000);
      socket = null;
    };
    socket.onerror = () => { if (socket) socket.close(); };
    vigilar();
  }

  // Sin mensajes ni latidos por mucho tiempo: la conexión está muerta aunque no lo parezca.
  function vigilar() {
    clearTimeout(vigilante);
    vigilante = setTimeout(() => { if (socket) socket.close(); }, cfg.silencioMs);
  }

  // ---------------------------------------------------------------- reloj y mensajes

  function formato(opciones) {
    try { return new Intl.DateTimeFormat("es-MX", { ...opciones, timeZone: cfg.zona }); }
    catch (_e) { return new Intl.DateTimeFormat("es-MX", opciones); }
  }
  const fmtHora = formato({ hour: "2-digit", minute: "2-digit", hour12: false });
  const fmtFecha = formato({ weekday: "long", day: "numeric", month: "long" });

  function reloj() {
    const ahora = new Date();
    $("hora").textContent = fmtHora.format(ahora);
    $("fecha").textContent = fmtFecha.format(ahora);
  }

  let indiceMensaje = 0;
  function rotarMensaje() {
    const el = $("mensaje");
    if (!estado.mensajes.length) { el.textContent = ""; return; }
    el.classList.add("oculto");
    setTimeout(() => {
      el.textContent = estado.mensajes[indiceMensaje % estado.mensajes.length];
      el.classList.remove("oculto");
      indiceMensaje += 1;
    }, 600);
  }

  window.addEventListener("resize", () => renderizar(false));
  estado.mensajes = Array.from($("mensajes").children).map((li) => li.textContent.trim());
  reloj();
  setInterval(reloj, 1000);
  rotarMensaje();
  setInterval(rotarMensaje, cfg.rotacionMs);
  conectar();
})();
