// Anuncios de la pantalla: campana sintetizada (Web Audio) y voz en español, EN COLA:
// llamados seguidos se anuncian uno tras otro, cada uno una vez, sin pisarse.
// Requiere /static/voz.js (núcleo) cargado antes.
window.TurnosAnuncios = (function () {
  "use strict";

  // Nombres de las letras: "A-023" se dice "Turno a 23", "B-007" -> "Turno be 7".
  const LETRAS = {
    A: "a", B: "be", C: "ce", D: "de", E: "e", F: "efe", G: "ge", H: "hache", I: "i",
    J: "jota", K: "ka", L: "ele", M: "eme", N: "ene", "Ñ": "eñe", O: "o", P: "pe", Q: "cu",
    R: "erre", S: "ese", T: "te", U: "u", V: "ve", W: "doble ve", X: "equis", Y: "ye", Z: "zeta",
  };

  const pausa = (ms) => new Promise((r) => setTimeout(r, ms));
  // Elección de voz y espera de voces: compartidas con el kiosco (núcleo, /static/voz.js).
  const IDIOMAS = window.TurnosVoz.IDIOMAS;
  const elegirVoz = window.TurnosVoz.elegirVoz;
  const voces = window.TurnosVoz.voces;

  // Vista previa (p. ej. en /admin): dice una frase con la voz, velocidad y volumen dados.
  async function probar(frase, opciones) {
    const voz = elegirVoz(await voces(), opciones.voz, opciones.idiomas);
    if (!voz || !window.SpeechSynthesisUtterance) return { voz: null, error: "sin_voz" };
    return new Promise((listo) => {
      const u = new window.SpeechSynthesisUtterance(frase);
      u.voice = voz;
      u.lang = voz.lang;
      u.volume = opciones.volumen;
      u.rate = opciones.velocidad;
      u.onend = () => listo({ voz: voz.name, lang: voz.lang, error: null });
      u.onerror = (e) => listo({ voz: voz.name, lang: voz.lang, error: e.error || "error" });
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(u);
    });
  }

  function crear(cfg, ganchos) {
    const cola = [];
    let anunciando = false;
    let contexto = null;
    // Lo que la pantalla sabe de su sonido; se informa al servidor (tablero) y se muestra.
    const estado = { voz: null, audio: null, voz_nombre: null, idioma: null, error: null };

    function informar(cambios) {
      let cambio = false;
      for (const [k, v] of Object.entries(cambios)) {
        if (estado[k] !== v) { estado[k] = v; cambio = true; }
      }
      if (cambio && ganchos.estado) ganchos.estado(Object.assign({}, estado));
    }

    function texto(l) {
      const m = /^([A-Za-zÑñ]*)[-\s]?0*(\d+)$/.exec(l.folio || "");
      const letras = m ? m[1] : "";
      const numero = m ? m[2] : l.folio;
      const letra = letras.toUpperCase().split("").map((c) => LETRAS[c] || c).join(" ");
      const valores = {
        letra: letra, numero: numero, folio: l.folio,
        ventanilla: ganchos.textoVentanilla(l.ventanilla),
        ventanilla_numero: l.ventanilla.numero !== undefined ? String(l.ventanilla.numero) : "",
        tramite: l.tramite_nombre || "",
      };
      return cfg.plantilla.replace(/\{(\w+)\}/g, (todo, k) => (k in valores ? valores[k] : todo))
        .replace(/\s+/g, " ").trim();
    }

    function encolar(llamado) {
      cola.push(llamado);
      if (!anunciando) anunciarTodos();
    }

    async function anunciarTodos() {
      anunciando = true;
      try {
        while (cola.length) {
          const l = cola.shift();
          if (!ganchos.sigueActivo(l.folio)) continue;
          for (let i = 0; i < cfg.repeticiones; i++) {
            ganchos.destellar(l.folio);
            await campana();
            await hablar(texto(l));
            await pausa(350);
          }
        }
      } finally {
        anunciando = false;
      }
    }

    function audio() {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) { informar({ audio: false }); return null; }
      if (!contexto) {
        contexto = new Ctx();
        contexto.addEventListener("statechange", () => {
          informar({ audio: contexto.state === "running" });
          ganchos.avisoSonido(contexto.state !== "running");
        });
      }
      if (contexto.state === "suspended") {
        // Chromium sin --autoplay-policy=no-user-gesture-required: hace falta un toque.
        contexto.resume().catch(() => {});
        ganchos.avisoSonido(true);
      }
      informar({ audio: contexto.state === "running" });
      return contexto;
    }

    // "Ding-dong" sintetizado: no necesita archivos de audio.
    function campana() {
      const c = audio();
      if (!c || c.state !== "running" || cfg.volumen === 0) return Promise.resolve();
      const inicio = c.currentTime + 0.05;
      [[880, 0], [659.25, 0.45]].forEach(([frecuencia, desfase]) => {
        const osc = c.createOscillator();
        const vol = c.createGain();
        const t = inicio + desfase;
        osc.type = "sine";
        osc.frequency.value = frecuencia;
        vol.gain.setValueAtTime(0.0001, t);
        vol.gain.exponentialRampToValueAtTime(0.5 * cfg.volumen, t + 0.02);
        vol.gain.exponentialRampToValueAtTime(0.0001, t + 1.3);
        osc.connect(vol).connect(c.destination);
        osc.start(t);
        osc.stop(t + 1.35);
      });
      return pausa(1500);
    }

    async function buscarVoz() {
      const voz = elegirVoz(await voces(), cfg.voz, cfg.idiomas);
      informar({ voz: !!voz, voz_nombre: voz ? voz.name : null, idioma: voz ? voz.lang : null });
      return voz;
    }

    // Sin voz en español: solo campana y destello (ya hechos), y el estado lo dice.
    async function hablar(frase) {
      const voz = await buscarVoz();
      if (!voz || cfg.volumen === 0 || !window.SpeechSynthesisUtterance) return;
      await new Promise((listo) => {
        let hecho = false;
        const fin = () => { if (!hecho) { hecho = true; clearTimeout(reloj); listo(); } };
        // Algunos motores nunca disparan onend: el tope evita que la cola se atore.
        const reloj = setTimeout(fin, 5000 + frase.length * 120);
        const u = new window.SpeechSynthesisUtterance(frase);
        u.voice = voz;
        u.lang = voz.lang;
        u.volume = cfg.volumen;
        u.rate = cfg.velocidad;
        u.onstart = () => informar({ voz: true, error: null });
        u.onend = fin;
        u.onerror = (e) => {
          // not-allowed: autoplay bloqueado; synthesis-failed: speech-dispatcher no respondió.
          if (e && e.error === "not-allowed") informar({ audio: false, error: e.error });
          else if (e && e.error && e.error !== "interrupted" && e.error !== "canceled") {
            informar({ voz: false, error: e.error });
          }
          fin();
        };
        window.speechSynthesis.speak(u);
      });
    }

    function activarSonido() {
      const c = audio();
      if (c) c.resume().then(() => ganchos.avisoSonido(c.state !== "running"));
    }

    // Al arrancar: ¿hay voz en español y audio permitido? (no esperar al primer llamado)
    audio();
    buscarVoz();
    if (window.speechSynthesis && window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", buscarVoz);
    }
    return {
      encolar: encolar, texto: texto, activarSonido: activarSonido,
      estado: () => Object.assign({}, estado),
    };
  }

  return { crear: crear, elegirVoz: elegirVoz, probar: probar, IDIOMAS: IDIOMAS };
})();
