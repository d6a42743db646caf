# Se carga con `. scripts/entorno.sh` desde la raíz del proyecto: crea (la primera vez) y activa
# el entorno virtual .venv. Debian y Ubuntu no dejan instalar con pip en el Python del sistema
# (PEP 668, «externally-managed-environment»). Si ya hay un entorno virtual activo, usa ese.
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/pip ]; then
    rm -rf .venv
    if ! python3 -m venv .venv; then
      rm -rf .venv
      echo "No se pudo crear .venv: instale el módulo venv (sudo apt-get install python3-venv) y repita." >&2
      exit 1
    fi
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
