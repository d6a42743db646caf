"""/admin: catálogo de trámites, ventanillas, horario del centro, personal y dispositivos."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from turnos.dominio.horario import DIAS, NOMBRES_DIAS
from turnos.dominio.resultados import Marca, como_texto, leer_marcas
from turnos.enteros import entero
from turnos.errores import Prohibido, TurnosError
from turnos.permisos import Actor, Permiso, Rol
from turnos.servicios import ausencia, campos, catalogo, consultas, cuentas, resultados, voz
from turnos.servicios.destinos_impresora import PoliticaImpresoras
from turnos.web import conexiones
from turnos.web.auth import verificar_csrf
from turnos.web.entrada import formulario
from turnos.web.personal import avisar, render, usuario_o_login

SECCIONES = (
    ("centro", "Centro y horario"),
    ("tramites", "Trámites"),
    ("ventanillas", "Ventanillas"),
    ("usuarios", "Personal"),
    ("dispositivos", "Dispositivos"),
)


async def _admin(request: Request) -> Actor | Response:
    quien = await usuario_o_login(request)
    if isinstance(quien, Response):
        return quien
    if not quien.puede(Permiso.ADMINISTRAR):
        raise Prohibido("La administración es solo para jefatura y administración.")
    return quien


async def indice(request: Request) -> Response:
    quien = await _admin(request)
    if isinstance(quien, Response):
        return quien

    def centros() -> list[Any]:
        with request.app.state.alm.lectura() as conn:
            return list(conn.execute(text("SELECT id, slug, nombre FROM centro ORDER BY nombre")))

    lista = [c for c in await run_in_threadpool(centros) if quien.puede(Permiso.ADMINISTRAR, c.id)]
    if len(lista) == 1:
        return RedirectResponse(f"/admin/{lista[0].slug}/tramites", status_code=303)
    return render(request, "admin/indice.html", {"centros": lista, "usuario": quien})


def _cargar(alm: Any, slug: str, seccion: str, quien: Actor) -> dict[str, Any]:
    with alm.lectura() as conn:
        c = consultas.centro(conn, slug)
        if not quien.puede(Permiso.ADMINISTRAR, c.id):
            raise Prohibido("No administra este centro.")
        datos: dict[str, Any] = {"centro": c}
        if seccion in ("tramites", "ventanillas"):
            datos["tramites"] = catalogo.listar_tramites(conn, c.id, solo_activos=False)
        if seccion == "tramites":
            datos["marcas"] = {
                clave: como_texto(Marca(**m) for m in lista)
                for clave, lista in resultados.por_tramite(conn, c.id).items()
            }
        if seccion == "ventanillas":
            datos["ventanillas"] = catalogo.listar_ventanillas(conn, c.id)
        if seccion == "usuarios":
            datos["usuarios"] = cuentas.listar_usuarios(conn, c.id)
        if seccion == "dispositivos":
            datos["dispositivos"] = cuentas.listar_dispositivos(conn, c.id)
        if seccion == "centro":
            datos["salvaguardas"] = ausencia.salvaguardas(conn, c.id)
            datos["voz"] = voz.leer_config(conn, c.id)
            datos["voces_pantallas"] = voz.voces_informadas(conn, c.id)
            datos["idiomas_voz"] = ",".join(voz.IDIOMAS)
    return datos


async def seccion(request: Request) -> Response:
    quien = await _admin(request)
    if isinstance(quien, Response):
        return quien
    slug, nombre = request.path_params["centro"], request.path_params["seccion"]
    if nombre not in dict(SECCIONES):
        return render(
            request,
            "error.html",
            {"status": 404, "mensaje": "Sección desconocida.", "usuario": quien},
            404,
        )
    alm = request.app.state.alm
    if request.method == "POST":
        form = await formulario(request)
        verificar_csrf(request, str(form.get("csrf", "")))
        await run_in_threadpool(
            _cargar, alm, slug, nombre, quien
        )  # verifica el permiso sobre el centro
        try:
            await run_in_threadpool(_GUARDAR[nombre], request, alm, slug, form, quien)
        except TurnosError as e:
            if e.status == 403:  # un rechazo de permiso es 403 (p. ej. una impresora vetada)
                raise
            # Sin redirigir: la página vuelve con lo que se escribió (salvo contraseñas).
            avisar(request, "error", e.mensaje)
            return await _pagina(request, quien, slug, nombre, _borrador(form), e.status)
        if nombre in ("usuarios", "dispositivos"):  # una revocación vale ya en este proceso
            await conexiones.revocado(request.app)
        return RedirectResponse(f"/admin/{slug}/{nombre}", status_code=303)
    return await _pagina(request, quien, slug, nombre)


_NO_SE_DEVUELVEN = frozenset({"csrf", "password", "temporal"})


def _borrador(form: FormData) -> dict[str, Any]:
    """Lo escrito en el formulario que falló; las listas (casillas) como listas."""
    datos: dict[str, Any] = {}
    for k, v in form.multi_items():
        if k in _NO_SE_DEVUELVEN or not isinstance(v, str):
            continue
        if k == "tramites":
            datos.setdefault(k, []).append(v)
        else:
            datos[k] = v
    return datos


async def _pagina(
    request: Request,
    quien: Actor,
    slug: str,
    nombre: str,
    borrador: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    datos = await run_in_threadpool(_cargar, request.app.state.alm, slug, nombre, quien)
    clave = request.query_params.get("editar")
    editar = next((t for t in datos.get("tramites", []) if t["clave"] == clave), None)
    if borrador is not None and nombre == "tramites":
        editar = {**(editar or {}), **borrador, "activo": borrador.get("activo") == "on"}
    return render(
        request,
        f"admin/{nombre}.html",
        {
            **datos,
            "usuario": quien,
            "secciones": SECCIONES,
            "seccion": nombre,
            "dias": list(zip(DIAS, NOMBRES_DIAS, strict=True)),
            "editar": editar,
            "borrador": borrador or {},
            "longitudes": campos.LONGITUDES,
            "campos": campos.CAMPOS_TRAMITE,
            "etiquetas": campos.ETIQUETAS,
            "token_nuevo": request.session.pop("token_nuevo", None),
            "roles": [
                r.value
                for r in Rol
                if r not in (Rol.ADMIN, Rol.CONTRALORIA)
                or quien.puede(Permiso.ADMINISTRAR_USUARIOS)
            ],
        },
        status,
    )


def _lineas(valor: Any) -> list[str]:
    return [x.strip() for x in str(valor or "").splitlines() if x.strip()]


def _guardar_voz(request: Request, alm: Any, slug: str, form: FormData) -> None:
    config = voz.validar_config(
        form.get("voz_nombre"), form.get("voz_velocidad"), form.get("voz_volumen")
    )
    with alm.lectura() as conn:
        centro_id = consultas.centro(conn, slug).id
    voz.guardar_config(alm, centro_id, config)
    avisar(request, "ok", "Voz de las pantallas guardada (se aplica al recargar cada pantalla).")


def _guardar_centro(request: Request, alm: Any, slug: str, form: FormData, quien: Actor) -> None:
    if form.get("formulario") == "voz":  # formulario aparte en la misma sección
        _guardar_voz(request, alm, slug, form)
        return
    horario = {}
    for dia in DIAS:
        a, c = str(form.get(f"{dia}_abre", "")).strip(), str(form.get(f"{dia}_cierra", "")).strip()
        horario[dia] = [a, c] if a and c else None
    politica = {
        k: campos.minutos_de_formulario(form.get(k), etiqueta) * 60
        for k, etiqueta in (
            ("ventaja_preferente_s", "Ventaja de atención preferente"),
            ("ventaja_cita_s", "Ventaja de cita a tiempo"),
            ("tolerancia_cita_s", "Tolerancia de llegada de cita"),
        )
    }
    politica["prioridad_vencidos"] = form.get("prioridad_vencidos") == "on"
    catalogo.actualizar_centro(
        alm,
        slug,
        {
            "nombre": form.get("nombre", ""),
            "horario": horario,
            "inhabiles": _lineas(form.get("inhabiles")),
            "tolerancia_min": form.get("tolerancia_min", "0"),
            "mensajes": _lineas(form.get("mensajes")),
            "pie_ticket": _lineas(form.get("pie_ticket")),
            "politica": politica,
        },
        request.app.state.reloj(),
    )
    if "ausente_tras_s" in form or "reincorporar_s" in form:
        ausencia.guardar_config(
            alm,
            slug,
            form.get("ausente_tras_s", ""),
            form.get("reincorporar_s", ""),
            request.app.state.reloj(),
        )
    avisar(request, "ok", "Datos del centro guardados.")


def _guardar_tramite(request: Request, alm: Any, slug: str, form: FormData, quien: Actor) -> None:
    datos: dict[str, Any] = {c: form.get(c) for c in campos.CAMPOS_TRAMITE if c != "activo"}
    datos["activo"] = form.get("activo") == "on"
    marcas = str(form.get("marcas", ""))
    leer_marcas(marcas)  # error claro antes de guardar nada
    catalogo.guardar_tramite(alm, slug, datos, request.app.state.reloj())
    resultados.guardar(alm, slug, str(datos["clave"]), marcas, request.app.state.reloj())
    avisar(request, "ok", f"Trámite {str(datos['clave']).upper()} guardado.")


def _guardar_ventanilla(
    request: Request, alm: Any, slug: str, form: FormData, quien: Actor
) -> None:
    numero = entero(form.get("numero"), "Número de ventanilla", minimo=0)
    catalogo.guardar_ventanilla(
        alm,
        slug,
        numero,
        str(form.get("nombre", "")),
        [str(t) for t in form.getlist("tramites")],
        request.app.state.reloj(),
        activo=form.get("activo") == "on",
        nueva=form.get("nueva") == "1",
    )
    avisar(request, "ok", f"Ventanilla {numero} guardada.")


def _id(form: FormData, campo: str) -> int:
    return entero(form.get(campo, ""), campo)


def _guardar_usuario(request: Request, alm: Any, slug: str, form: FormData, quien: Actor) -> None:
    """Cada acción es un servicio de `cuentas`: ahí se revisa el permiso y se deja el evento."""
    ahora = request.app.state.reloj()
    for campo, servicio, aviso in (
        ("desactivar", cuentas.desactivar, "Cuenta desactivada; sus sesiones se cerraron."),
        ("reactivar", cuentas.reactivar, "Cuenta reactivada."),
        ("cerrar_sesiones", cuentas.cerrar_sesiones, "Sesiones cerradas."),
    ):
        if form.get(campo):
            servicio(alm, quien, _id(form, campo), ahora)
            avisar(request, "ok", aviso)
            return
    if form.get("rol_de"):
        cuentas.cambiar_rol(alm, quien, _id(form, "rol_de"), str(form.get("rol_nuevo", "")), ahora)
        avisar(request, "ok", "Rol cambiado; sus sesiones se cerraron.")
        return
    if form.get("restablecer"):
        cuentas.restablecer_contrasena(
            alm, quien, _id(form, "restablecer"), str(form.get("temporal", "")), ahora
        )
        avisar(request, "ok", "Contraseña restablecida: deberá cambiarla al entrar.")
        return
    rol = str(form.get("rol", ""))
    cuentas.crear_usuario(
        alm,
        str(form.get("nuevo_usuario", "")),
        str(form.get("password", "")),
        rol,
        None if rol == Rol.ADMIN else slug,
        str(form.get("nombre", "")),
        quien=quien,
        ahora=ahora,
    )
    avisar(request, "ok", "Cuenta creada.")


def _guardar_dispositivo(
    request: Request, alm: Any, slug: str, form: FormData, quien: Actor
) -> None:
    ahora = request.app.state.reloj()
    if form.get("revocar"):
        cuentas.revocar_tokens_dispositivo(
            alm, _id(form, "revocar"), ahora, quien=quien, centro_slug=slug
        )
        avisar(request, "ok", "Tokens revocados.")
        return
    _, token = cuentas.crear_dispositivo(
        alm,
        slug,
        str(form.get("tipo", "")),
        str(form.get("nombre", "")),
        ahora,
        impresora_url=str(form.get("impresora_url", "")).strip(),
        perfil=str(form.get("perfil", "")).strip(),
        quien=quien,
        politica=PoliticaImpresoras.de_settings(request.app.state.settings),
    )
    request.session["token_nuevo"] = token
    avisar(request, "ok", "Dispositivo creado. Copie su token ahora: no se volverá a mostrar.")


_GUARDAR = {
    "centro": _guardar_centro,
    "tramites": _guardar_tramite,
    "ventanillas": _guardar_ventanilla,
    "usuarios": _guardar_usuario,
    "dispositivos": _guardar_dispositivo,
}

RUTAS = [
    Route("/admin", indice, methods=["GET"]),
    Route("/admin/{centro}/{seccion}", seccion, methods=["GET", "POST"]),
]
