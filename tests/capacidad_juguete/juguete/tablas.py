from sqlmodel import Field, SQLModel


class Saludo(SQLModel, table=True):
    __tablename__ = "juguete_saludo"
    id: int | None = Field(default=None, primary_key=True)
    texto: str = Field(max_length=100)
