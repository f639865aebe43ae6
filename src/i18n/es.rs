//! Spanish, written for people (usted), not translated word by word. "Practice" is
//! "consultorio": the word patients in the US use for their doctor's or dentist's office.

use super::Strings;

pub const ES: Strings = Strings {
    product_name: "Portal del paciente",
    skip_to_content: "Ir al contenido principal",
    language_switch_hint: "Cambiar idioma:",
    other_language_name: "English",

    home_page_title: "Inicio",
    home_heading: "Le damos la bienvenida a su portal del paciente",
    home_intro: "Muy pronto podrá usar este portal para:",
    home_can_message: "Escribirle a su consultorio y leer sus respuestas",
    home_can_records: "Ver sus documentos, citas, planes de tratamiento y formularios",
    home_can_family: "Hacer todo esto por sus hijos o por un familiar que usted cuida",

    status_label: "Estado del servicio:",
    status_checking: "Comprobando…",
    status_connected: "Conectado",
    status_unreachable: "No podemos comunicarnos con el consultorio en este momento",
    status_retry: "Volver a comprobar",

    not_found_page_title: "Página no encontrada",
    not_found_heading: "No encontramos esa página",
    not_found_body: "Puede que la dirección tenga un error o que la página se haya movido.",
    go_home: "Ir a la página de inicio",

    error_page_title: "Hubo un problema",
    error_heading: "Lo sentimos, hubo un problema",
    error_body: "Vuelva a intentarlo. Si sigue pasando, llame a su consultorio.",
    error_reload: "Volver a cargar la página",

    error_network: "No hay conexión. Revise su conexión a internet y vuelva a intentarlo.",
    error_server: "Tuvimos un problema. Vuelva a intentarlo en unos minutos.",
    error_rate_limited: "Hubo demasiados intentos. Espere unos minutos y vuelva a intentarlo.",
    error_signed_out: "Su sesión se cerró. Vuelva a iniciar sesión.",
    error_not_found: "No encontramos lo que busca.",
};
