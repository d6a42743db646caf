"""Entrar, salir y cambiar la propia contraseña (/login, /logout, /cuenta)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from turnos.errores import EntradaInvalida, TurnosError
from turnos.servicios import cuentas, sesiones
from turnos.tiempo import a_ms
from turnos.web import conexiones, limites, limites_login, ventanilla_vivo
from turnos.web.auth import credencial, verificar_csrf
from turnos.web.entrada import formulario
from turnos.web.personal import avisar, render, usuario_o_login


async def login(request: Request) -> Response:
    # Solo rutas locales; sin `siguiente`, cada rol aterriza en su página.
    siguiente = ventanilla_vivo.siguiente_seguro(request.query_params.get("siguiente"))
    if request.method == "GET":
        if request.query_params.get("aviso") == ventanilla_vivo.EXPIRO:
            avisar(request, "error", ventanilla_vivo.MENSAJE_EXPIRO)
        return render(request, "login.html", {"siguiente": siguiente})
    form = await formulario(request)
    verificar_csrf(request, str(form.get("csrf", "")))
    alm, ahora_ms = request.app.state.alm, a_ms(request.app.state.reloj())
    usuario = str(form.get("usuario", "")).strip().lower()[:60]
    ip, limitador = limites.direccion(request), limites.de(request.app)

    segundos = await run_in_threadpool(limites_login.espera, limitador, usuario, ip)
    if segundos:  # antes de argon2: un ataque no cuesta CPU a los demás
        avisar(request, "error", limites.mensaje(segundos))
        r = render(request, "login.html", {"siguiente": siguiente}, status=429)
        r.headers["Retry-After"] = str(segundos)
        return r
    quien = await run_in_threadpool(cuentas.autenticar, alm, usuario, str(form.get("password", "")))
    if quien is None:
        await run_in_threadpool(limites_login.fallo, alm, limitador, usuario, ip, ahora_ms)
        avisar(request, "error", "Usuario o contraseña incorrectos.")
        return render(request, "login.html", {"siguiente": siguiente}, status=401)
    horas = request.app.state.settings.sesion_horas
    sid = await run_in_threadpool(sesiones.abrir, alm, quien.id, ahora_ms, horas)
    request.session.clear()
    request.session["sid"] = sid
    with alm.lectura() as conn:
        obligado = cuentas.debe_cambiar(conn, quien.id)
    if obligado:
        request.session["cambiar"] = True
        avisar(request, "error", "Su contraseña fue restablecida: elija una nueva para continuar.")
        return RedirectResponse("/cuenta", status_code=303)
    if siguiente is None:
        siguiente = await run_in_threadpool(ventanilla_vivo.destino_por_rol, request, quien)
    return RedirectResponse(siguiente, status_code=303)


async def logout(request: Request) -> Response:
    form = await formulario(request)
    verificar_csrf(request, str(form.get("csrf", "")))
    clave = credencial(request)
    if clave is not None and clave[0] == "s":

        def revocar() -> None:
            with request.app.state.alm.transaccion() as tx:
                sesiones.revocar(tx.conn, clave[1], a_ms(request.app.state.reloj()))

        await run_in_threadpool(revocar)
        await conexiones.revocado(request.app)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


async def cuenta(request: Request) -> Response:
    """/cuenta: cambiar la propia contraseña (obligatorio tras un restablecimiento)."""
    quien = await usuario_o_login(request, permitir_cambio_pendiente=True)
    if isinstance(quien, Response):
        return quien
    if request.method == "POST":
        form = await request.form()
        verificar_csrf(request, str(form.get("csrf", "")))
        nueva = str(form.get("nueva", ""))
        clave = credencial(request)
        try:
            if nueva != str(form.get("confirmar", "")):
                raise EntradaInvalida("La confirmación no coincide con la contraseña nueva.")
            await run_in_threadpool(
                cuentas.cambiar_contrasena,
                request.app.state.alm,
                quien,
                str(form.get("actual", "")),
                nueva,
                request.app.state.reloj(),
                clave[1] if clave else None,
            )
        except TurnosError as e:
            avisar(request, "error", e.mensaje)
            return RedirectResponse("/cuenta", status_code=303)
        await conexiones.revocado(request.app)
        request.session.pop("cambiar", None)
        avisar(request, "ok", "Contraseña cambiada. Sus otras sesiones se cerraron.")
        return RedirectResponse("/cuenta", status_code=303)
    return render(
        request,
        "cuenta.html",
        {
            "usuario": quien,
            "minimo": cuentas.MIN_PASSWORD,
            "obligado": "cambiar" in request.session,
        },
    )


RUTAS = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/cuenta", cuenta, methods=["GET", "POST"]),
]
