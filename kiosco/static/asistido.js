// Modo asistido del kiosco: texto grande, alto contraste y lectura en voz alta de la pantalla
// con la voz sin conexión de las pantallas (TurnosVoz, /static/voz.js). Solo presentación: lo
// que se lee es lo que la pantalla muestra (título, textos marcados con data-leer y botones);
// el ticket trae su lectura preparada por el servidor. Dura lo que dura la interacción de una
// persona: kiosco.js lo apaga al terminar (Listo) y la inactividad recarga la página en normal.
window.KioscoAsistido = (function () {
  "use strict";
  const raiz = document.documentElement;
  const datos = document.body.dataset;
  const boton = document.getElementById("asistido");
  const voz = {
    voz: datos.vozNombre || "",
    idiomas: (datos.idiomas || "").split(",").filter(Boolean),
    velocidad: parseFloat(datos.velocidad) || 0.9,
    volumen: 1,
    interrumpir: true,
  };
  let activo = false;

  function limpio(t) {
    return (t || "").replace(/\s*\n+\s*/g, ". ").replace(/\s+/g, " ").replace(/\.\s*\./g, ".").trim();
  }

  function conPunto(t) {
    return /[.!?…:]$/.test(t) ? t : t + ".";
  }

  function nombre(el) {
    return limpio(el.getAttribute("aria-label") || el.textContent);
  }

  // Título, textos marcados y opciones (botones habilitados) de la pantalla visible.
  function lectura(seccion) {
    const partes = [];
    if (seccion.dataset.lectura) partes.push(seccion.dataset.lectura);
    else {
      const titulo = seccion.querySelector("h1");
      if (titulo) partes.push(limpio(titulo.innerText));
    }
    for (const el of seccion.querySelectorAll("[data-leer]")) {
      const t = limpio(el.innerText);
      if (t) partes.push(t);
    }
    const opciones = Array.from(seccion.querySelectorAll("button:not([disabled])")).map(nombre)
      .filter(Boolean);
    if (opciones.length) partes.push("Opciones: " + opciones.join(", "));
    return partes.map(conPunto).join(" ");
  }

  function decir(frase) {
    if (!frase || !window.TurnosVoz) return;
    window.TurnosVoz.decir(frase, voz);
  }

  function leer(seccion, prefijo) {
    if (!activo || !seccion) return;
    const frase = lectura(seccion);
    decir(prefijo ? prefijo + " " + frase : frase);
  }

  function visible() {
    return document.querySelector("[data-pantalla]:not([hidden])");
  }

  function fijar(valor) {
    activo = valor;
    raiz.classList.toggle("asistido", valor);
    boton.setAttribute("aria-pressed", valor ? "true" : "false");
    document.body.dataset.asistido = valor ? "si" : "no";
  }

  function encender() {
    fijar(true);
    leer(visible(), boton.dataset.activado);
  }

  function apagar() {
    if (!activo) return;
    fijar(false);
    if (window.speechSynthesis) window.speechSynthesis.cancel();
  }

  boton.addEventListener("click", () => (activo ? apagar() : encender()));

  // Con teclado: al llegar a un botón se dice su nombre (interrumpe la lectura anterior).
  document.addEventListener("focusin", (ev) => {
    const el = ev.target;
    if (activo && el instanceof HTMLElement && el.matches("button:focus-visible, input") &&
        el !== boton) {
      decir(el.matches("input") && el.labels && el.labels[0] ? nombre(el.labels[0]) : nombre(el));
    }
  });

  fijar(false);
  return { activo: () => activo, leer: (seccion) => leer(seccion, ""), apagar: apagar };
})();
