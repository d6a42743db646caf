// Kiosco: cambia de pantalla, pide el turno y muestra lo que el servidor ya preparó.
// Sin reglas de negocio: textos, estado de impresión, QR y tiempos vienen del servidor.
(function () {
  "use strict";
  const cuerpo = document.body;
  const centro = cuerpo.dataset.centro;
  const inactividadMs = (Number(cuerpo.dataset.inactividad) || 60) * 1000;
  const csrf = cuerpo.dataset.csrf || "";
  const pantallas = Array.from(document.querySelectorAll("[data-pantalla]"));
  let actual = "inicio";
  let ocupado = false;
  let temporizador = null;
  let regresoMs = inactividadMs;
  const REINTENTOS = 2;
  const asistido = window.KioscoAsistido || null; // modo asistido (asistido.js)

  function mostrar(nombre) {
    actual = nombre;
    for (const p of pantallas) p.hidden = p.dataset.pantalla !== nombre;
    const titulo = document.querySelector(`[data-pantalla="${nombre}"] h1`);
    window.scrollTo(0, 0);
    if (titulo) titulo.focus({ preventScroll: true });
    if (nombre === "cita") document.getElementById("folio-cita").focus();
    reiniciarInactividad();
    if (asistido) asistido.leer(document.querySelector(`[data-pantalla="${nombre}"]`));
  }

  // Tras un rato sin toques se vuelve al inicio recargando: catálogo, horario y avisos frescos.
  function reiniciarInactividad() {
    clearTimeout(temporizador);
    // En modo asistido el inicio tampoco espera de más: el siguiente no debe heredarlo.
    const inicioMs = asistido && asistido.activo() ? inactividadMs : 5 * inactividadMs;
    const espera = actual === "ticket" ? regresoMs : actual === "inicio" ? inicioMs : inactividadMs;
    temporizador = setTimeout(() => {
      if (!ocupado) window.location.reload();
      else reiniciarInactividad();
    }, espera);
  }
  for (const tipo of ["pointerdown", "keydown"]) document.addEventListener(tipo, reiniciarInactividad, { passive: true });

  function campo(nombre) {
    return document.querySelector(`[data-campo="${nombre}"]`);
  }

  function pintarQr(qr) {
    const svg = campo("qr");
    const lado = qr.lado + 8;
    svg.setAttribute("viewBox", `-4 -4 ${lado} ${lado}`);
    const fondo = svg.querySelector("rect");
    fondo.setAttribute("width", lado);
    fondo.setAttribute("height", lado);
    svg.querySelector("path").setAttribute("d", qr.d);
  }

  function mostrarTicket(datos) {
    const t = datos.ticket;
    for (const k of ["folio", "tramite", "clase", "personas", "espera", "fecha", "url", "texto_qr"]) {
      campo(k).textContent = t[k];
    }
    if (t.clase_texto) campo("clase").textContent = t.clase_texto; // registro de cita
    pintarQr(t.qr);
    const imp = campo("impresion");
    imp.textContent = datos.impresion.mensaje;
    imp.classList.toggle("falla", datos.impresion.estado !== "impreso");
    regresoMs = (datos.regreso_s || 30) * 1000;
    const seccion = document.querySelector('[data-pantalla="ticket"]');
    seccion.dataset.lectura = [t.lectura, datos.impresion.mensaje].filter(Boolean).join(" ");
    mostrar("ticket");
  }

  function mostrarMensaje(codigo, mensaje) {
    const seccion = document.querySelector('[data-pantalla="mensaje"]');
    campo("mensaje-titulo").textContent =
      seccion.getAttribute("data-titulo-" + codigo) || seccion.dataset.tituloError;
    campo("mensaje").textContent = mensaje || seccion.dataset.sinConexion;
    mostrar("mensaje");
  }

  // Una clave por intento de emisión (crypto.randomUUID exige HTTPS; la LAN suele ser HTTP).
  function claveIdempotencia() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Si la respuesta se pierde (red, servidor reiniciado), se reintenta con la MISMA clave:
  // el servidor devuelve el turno ya emitido en vez de emitir otro.
  async function pedirTurno(url, cuerpoJson, control) {
    const idem = claveIdempotencia();
    for (let intento = 0; ; intento++) {
      try {
        const r = await fetch(url, {
          method: "POST",
          credentials: "same-origin",
          signal: control.signal,
          headers: {
            "Content-Type": "application/json",
            "X-Turnos-Kiosco": "1",
            "X-CSRF-Token": csrf,
            "Idempotency-Key": idem,
          },
          body: cuerpoJson,
        });
        if (r.status < 500 || intento >= REINTENTOS) return r;
      } catch (e) {
        if (control.signal.aborted || intento >= REINTENTOS) throw e;
      }
      await new Promise((listo) => setTimeout(listo, 1000 * (intento + 1)));
    }
  }

  function tomar(clave, clase) {
    return enviar(`/api/v1/kiosco/${encodeURIComponent(centro)}/turnos`, { tramite: clave, clase: clase });
  }

  async function enviar(url, cuerpoJson) {
    if (ocupado) return;
    ocupado = true;
    mostrar("procesando");
    const control = new AbortController();
    const limite = setTimeout(() => control.abort(), 30000);
    try {
      const r = await pedirTurno(url, JSON.stringify(cuerpoJson), control);
      const datos = await r.json().catch(() => ({}));
      if (r.status === 201) mostrarTicket(datos);
      else mostrarMensaje(datos.error || "error", datos.mensaje);
    } catch (e) {
      mostrarMensaje("error", "");
    } finally {
      clearTimeout(limite);
      ocupado = false;
      reiniciarInactividad();
    }
  }

  document.addEventListener("click", (ev) => {
    const boton = ev.target.closest("button");
    if (!boton || boton.disabled || ocupado) return;
    // «Listo» en el ticket termina la interacción de esta persona: el kiosco vuelve a normal.
    if (boton.dataset.ir && actual === "ticket" && asistido) asistido.apagar();
    if (boton.dataset.ir) mostrar(boton.dataset.ir);
    else if (boton.dataset.tomar) tomar(boton.dataset.tomar, boton.dataset.clase);
  });

  // Un lector de códigos escribe como teclado y termina con Enter: envía el formulario.
  // La cita se vuelve un turno (capacidad citas) y el ticket sale como cualquier otro.
  document.getElementById("form-cita").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const entrada = document.getElementById("folio-cita");
    const folio = entrada.value.trim();
    entrada.value = "";
    if (folio) enviar(`/api/v1/kiosco/${encodeURIComponent(centro)}/citas`, { folio: folio });
  });

  mostrar("inicio");
})();
