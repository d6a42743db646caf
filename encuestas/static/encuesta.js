// Componente común de la encuesta (tableta y teléfono): pinta los pasos con la descripción
// que manda el servidor (textos ya preparados) y envía la respuesta a la API. Sin reglas de
// negocio: qué es «baja» y qué motivos hay los decide el servidor.
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg";
  // Curva de la boca por calificación (1 muy triste … 5 muy contento).
  const BOCA = { 1: -10, 2: -5, 3: 0, 4: 6, 5: 12 };

  function el(tag, attrs, ...hijos) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "texto") e.textContent = v;
      else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? "" : v);
    }
    for (const h of hijos) if (h) e.append(h);
    return e;
  }

  function cara(valor) {
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 64 64");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const c = (tag, a) => {
      const n = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(a)) n.setAttribute(k, v);
      svg.append(n);
    };
    c("circle", { cx: 32, cy: 32, r: 29, class: "rostro" });
    c("circle", { cx: 22, cy: 25, r: 4, class: "ojo" });
    c("circle", { cx: 42, cy: 25, r: 4, class: "ojo" });
    const y = 44 - BOCA[valor] / 2;
    c("path", { d: `M18 ${y} Q32 ${y + BOCA[valor]} 46 ${y}`, class: "boca" });
    return svg;
  }

  function montar(raiz, desc, clave, opciones) {
    const op = Object.assign(
      { alTerminar: () => {}, alActividad: () => {}, alEnviar: () => {}, alFallar: () => {} }, opciones || {});
    const estado = { calificacion: null, motivos: new Set(), enviada: false, enviando: false };
    raiz.replaceChildren();
    raiz.addEventListener("pointerdown", () => op.alActividad());
    raiz.addEventListener("keydown", () => op.alActividad());

    function paso(titulo, ...contenido) {
      const h = el("h2", { texto: titulo, tabindex: "-1", class: "titulo-paso" });
      raiz.replaceChildren(el("section", { class: "paso" }, h, ...contenido));
      h.focus();
    }

    function caras() {
      const lista = el("div", { class: "caras", role: "group", "aria-label": desc.pregunta });
      for (const c of desc.calificaciones) {
        const b = el("button", { type: "button", class: `cara cara-${c.valor}`, "data-valor": c.valor },
          cara(c.valor), el("span", { class: "palabra", texto: c.texto }));
        b.addEventListener("click", () => elegir(c.valor));
        lista.append(b);
      }
      paso(desc.pregunta, lista, el("p", { class: "ayuda", texto: "Toque una cara (o use las teclas 1 a 5)." }));
    }

    function elegir(valor) {
      estado.calificacion = valor;
      if (valor <= desc.baja) motivos();
      else detalles();
    }

    function motivos() {
      const lista = el("div", { class: "motivos", role: "group", "aria-label": "Motivos" });
      for (const m of desc.motivos) {
        const b = el("button", { type: "button", class: "motivo", "aria-pressed": "false", "data-motivo": m.clave, texto: m.texto });
        b.addEventListener("click", () => {
          const si = !estado.motivos.has(m.clave);
          if (si) estado.motivos.add(m.clave); else estado.motivos.delete(m.clave);
          b.setAttribute("aria-pressed", String(si));
        });
        lista.append(b);
      }
      const seguir = el("button", { type: "button", class: "boton principal", texto: "Continuar" });
      seguir.addEventListener("click", detalles);
      paso("¿Qué podemos mejorar? (opcional)", lista, el("div", { class: "acciones" }, seguir));
    }

    function detalles() {
      const form = el("form", { class: "detalles", novalidate: true });
      const reactivos = [];
      for (const r of desc.reactivos) {
        const grupo = el("fieldset", { class: "reactivo" }, el("legend", { texto: r.texto }));
        for (const c of desc.calificaciones) {
          const id = `r-${r.clave}-${c.valor}`;
          grupo.append(el("span", { class: "opcion" },
            el("input", { type: "radio", name: r.clave, value: c.valor, id }),
            el("label", { for: id, texto: c.texto })));
        }
        reactivos.push(r.clave);
        form.append(grupo);
      }
      form.append(el("label", { for: "comentario", texto: "Comentario (opcional)" }),
        el("textarea", { id: "comentario", name: "comentario", maxlength: "500", rows: "3" }));
      let contacto = null;
      if (desc.contacto && estado.calificacion <= desc.baja) {
        contacto = el("fieldset", { class: "contacto" },
          el("legend", { texto: "¿Quiere que le contactemos?" }),
          el("span", { class: "opcion" }, el("input", { type: "checkbox", id: "quiero", name: "quiero" }),
            el("label", { for: "quiero", texto: "Quiero que me contacten para atender mi queja" })),
          el("label", { for: "correo", texto: "Correo electrónico" }),
          el("input", { type: "email", id: "correo", name: "correo", maxlength: "200", autocomplete: "email" }),
          el("label", { for: "telefono", texto: "Teléfono" }),
          el("input", { type: "tel", id: "telefono", name: "telefono", maxlength: "30", autocomplete: "tel" }),
          el("p", { class: "aviso", texto: "Aviso de privacidad: usaremos su correo o teléfono solo para dar seguimiento a esta queja en el buzón ciudadano; no se publica ni se comparte." }),
          el("span", { class: "opcion" }, el("input", { type: "checkbox", id: "acepto", name: "acepto" }),
            el("label", { for: "acepto", texto: "Acepto el aviso de privacidad" })));
        form.append(contacto);
      }
      const error = el("p", { class: "error", role: "alert", hidden: true });
      const enviar = el("button", { type: "submit", class: "boton principal", texto: "Enviar" });
      form.append(error, el("div", { class: "acciones" }, enviar));
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        const cuerpo = { calificacion: estado.calificacion, motivos: [...estado.motivos] };
        cuerpo.comentario = form.comentario.value.trim();
        const rs = {};
        for (const k of reactivos) {
          const v = form.querySelector(`input[name="${k}"]:checked`);
          if (v) rs[k] = Number(v.value);
        }
        cuerpo.reactivos = rs;
        if (contacto && form.quiero.checked) {
          cuerpo.contacto = { correo: form.correo.value, telefono: form.telefono.value, acepto_aviso: form.acepto.checked };
        }
        mandar(cuerpo, error);
      });
      paso("¿Algo más que quiera decirnos?", form);
    }

    async function mandar(cuerpo, error) {
      if (estado.enviada || estado.enviando) return;
      estado.enviando = true;
      op.alEnviar();
      try {
        const r = await fetch(`/api/v1/encuestas/${encodeURIComponent(clave)}`, {
          method: "POST", headers: op.cabeceras || { "Content-Type": "application/json" },
          body: JSON.stringify(cuerpo),
        });
        const datos = await r.json().catch(() => ({}));
        if (r.status === 400 && error) {
          estado.enviando = false;
          op.alFallar();
          error.textContent = datos.mensaje || "Revise los datos.";
          error.hidden = false;
          return;
        }
        estado.enviada = true;
        gracias(r.status === 201 || r.status === 409, datos);
      } catch (e) {
        estado.enviando = false;
        op.alFallar();
        if (error) { error.textContent = "Sin conexión; intente de nuevo."; error.hidden = false; }
      }
    }

    function gracias(ok, datos) {
      const extra = datos && datos.manifestacion
        ? el("p", { texto: `Abrimos su caso en el buzón con folio ${datos.manifestacion.folio}.` }) : null;
      paso(ok ? "¡Gracias por su opinión!" : "No pudimos guardar su respuesta.", extra);
      op.alTerminar(ok);
    }

    // Teclado: 1 a 5 eligen cara en el primer paso.
    raiz.addEventListener("keydown", (ev) => {
      if (estado.calificacion === null && /^[1-5]$/.test(ev.key)) elegir(Number(ev.key));
    });
    caras();
    return {
      // Si la persona se va tras elegir una cara, su calificación no se pierde.
      enviarSiHay() {
        if (estado.calificacion !== null && !estado.enviada) {
          mandar({ calificacion: estado.calificacion, motivos: [...estado.motivos] }, null);
        }
      },
    };
  }

  window.Encuesta = { montar };
})();
