// Voz sin conexión compartida (núcleo): la pantalla de sala, el kiosco (modo asistido) y /admin
// hablan con speechSynthesis del navegador y la misma elección de voz local en español.
window.TurnosVoz = (function () {
  "use strict";

  const IDIOMAS = ["es-MX", "es-419", "es-US", "es"];
  const ESPERA_VOCES_MS = 15000; // speech-dispatcher tarda unos segundos en dar sus voces

  // La voz con ese nombre si existe; si no, la primera de cada idioma en el orden dado
  // ("es" = cualquier español). El orden y el nombre los decide el servidor.
  function elegirVoz(voces, nombre, idiomas) {
    const idioma = (v) => (v.lang || "").replace("_", "-").toLowerCase();
    if (nombre) {
      const exacta = voces.find((v) => v.name === nombre);
      if (exacta) return exacta;
    }
    for (const buscado of (idiomas && idiomas.length ? idiomas : IDIOMAS)) {
      const b = buscado.toLowerCase();
      const v = voces.find((x) => idioma(x) === b) ||
        (b.indexOf("-") < 0 ? voces.find((x) => idioma(x).startsWith(b + "-")) : null);
      if (v) return v;
    }
    return null;
  }

  // Las voces llegan tarde (evento voiceschanged): se espera un poco antes de decir que no hay.
  let espera = null; // se espera una sola vez: sin voces, nada se atrasa después
  function voces() {
    const s = window.speechSynthesis;
    if (!s) return Promise.resolve([]);
    if (s.getVoices().length) return Promise.resolve(s.getVoices());
    espera = espera || new Promise((listo) => {
      const fin = () => {
        clearTimeout(reloj);
        if (s.removeEventListener) s.removeEventListener("voiceschanged", cambio);
        listo();
      };
      // Chromium puede avisar un cambio con la lista aún vacía: se sigue esperando.
      const cambio = () => { if (s.getVoices().length) fin(); };
      const reloj = setTimeout(fin, ESPERA_VOCES_MS);
      if (s.addEventListener) s.addEventListener("voiceschanged", cambio);
    });
    return espera.then(() => s.getVoices());
  }

  // Dice una frase con la voz elegida; resuelve al terminar (o con un tope: hay motores que
  // nunca disparan onend). `interrumpir` corta lo que se estaba diciendo (lectura de pantalla).
  async function decir(frase, opciones) {
    const o = opciones || {};
    const voz = elegirVoz(await voces(), o.voz, o.idiomas);
    if (!voz || !window.SpeechSynthesisUtterance || o.volumen === 0) return { voz: null };
    return new Promise((listo) => {
      let hecho = false;
      const fin = (error) => {
        if (!hecho) { hecho = true; clearTimeout(reloj); listo({ voz: voz, error: error || null }); }
      };
      const reloj = setTimeout(() => fin(null), 5000 + frase.length * 120);
      const u = new window.SpeechSynthesisUtterance(frase);
      u.voice = voz;
      u.lang = voz.lang;
      u.volume = o.volumen === undefined ? 1 : o.volumen;
      u.rate = o.velocidad || 1;
      if (o.alEmpezar) u.onstart = o.alEmpezar;
      u.onend = () => fin(null);
      u.onerror = (e) => fin((e && e.error) || "error");
      if (o.interrumpir) window.speechSynthesis.cancel();
      window.speechSynthesis.speak(u);
    });
  }

  return { IDIOMAS: IDIOMAS, elegirVoz: elegirVoz, voces: voces, decir: decir };
})();
