"""Buzón ciudadano: quejas, sugerencias, felicitaciones, denuncias y peticiones con folio,
canalización a la unidad responsable, seguimiento por clave y Open311 GeoReport v2."""
