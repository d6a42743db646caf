// El botón de imprimir de la hoja de evidencia (la CSP no permite JS en línea).
document.getElementById("imprimir")?.addEventListener("click", () => window.print());
