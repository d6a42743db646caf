// Confirmación de las acciones destructivas de /admin (formularios con data-confirmar).
document.addEventListener("submit", (e) => {
  const mensaje = e.target.dataset ? e.target.dataset.confirmar : undefined;
  if (mensaje && !window.confirm(mensaje)) e.preventDefault();
});
