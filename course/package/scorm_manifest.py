"""``imsmanifest.xml`` for SCORM 1.2 and SCORM 2004 4th edition, built with lxml.

One organisation titled after the course, one item per module (its SCO), one
resource per SCO listing the files only that SCO uses, and one shared asset
resource for the rest (home page, glossary, styles, scripts, fonts), which
every SCO depends on. The quiz's pass mark is the mastery score: SCORM 1.2's
``adlcp:masteryscore`` (a percent, compared with ``cmi.core.score.raw``, which
the runtime reports as a percent) and SCORM 2004's primary objective
``satisfiedByMeasure`` with ``minNormalizedMeasure`` = pass mark / 100
(compared with ``cmi.score.scaled``). A module with several quizzes has no
mastery score: its SCO reports passed only when every quiz is passed.

The schema files ship beside the manifest (``scorm_schemas/``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree
from lxml.builder import ElementMaker

from ..model import Course
from ..render.markdown import slug
from ..resources import PACKAGE
from .markup import number
from .scorm_site import Sco, sco_title

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMAS = PACKAGE / "package" / "scorm_schemas"
ORGANIZATION = "organization"
SHARED = "shared-files"


@dataclass(frozen=True)
class ScormVersion:
    kind: str  # the manifest.json kind and the package's file-name suffix
    runtime: str  # the version scorm.js is told (data-sco)
    schema_version: str
    folder: str  # under scorm_schemas/
    cp: str  # the content-packaging namespace (the manifest's default)
    adlcp: str
    scorm_type: str  # adlcp:scormtype (1.2) or adlcp:scormType (2004)
    locations: tuple[tuple[str, str], ...]  # namespace -> schema file, for xsi:schemaLocation
    extra_namespaces: tuple[tuple[str, str], ...] = ()

    @property
    def nsmap(self) -> dict[str | None, str]:
        return {None: self.cp, "adlcp": self.adlcp, **dict(self.extra_namespaces), "xsi": XSI}

    def schema_files(self) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted((SCHEMAS / self.folder).iterdir()) if path.suffix in (".xsd", ".dtd")}


IMSSS = "http://www.imsglobal.org/xsd/imsss"
SCORM12 = ScormVersion(
    kind="scorm12",
    runtime="1.2",
    schema_version="1.2",
    folder="scorm12",
    cp="http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2",
    scorm_type="scormtype",
    locations=(
        ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
        ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
    ),
)
SCORM2004 = ScormVersion(
    kind="scorm2004",
    runtime="2004",
    schema_version="2004 4th Edition",
    folder="scorm2004",
    cp="http://www.imsglobal.org/xsd/imscp_v1p1",
    adlcp="http://www.adlnet.org/xsd/adlcp_v1p3",
    scorm_type="scormType",
    locations=(
        ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
        ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
        ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
        (IMSSS, "imsss_v1p0.xsd"),
    ),
    extra_namespaces=(
        ("adlseq", "http://www.adlnet.org/xsd/adlseq_v1p3"),
        ("adlnav", "http://www.adlnet.org/xsd/adlnav_v1p3"),
        ("imsss", IMSSS),
    ),
)


def manifest_identifier(course: Course) -> str:
    """Stable across builds: the title's slug when it is plain ASCII, else a digest of it."""
    name = slug(course.title)
    if name.isascii() and name[:1].isalpha():
        return f"course-{name}"
    return "course-" + hashlib.sha256(f"{course.language}:{course.title}".encode()).hexdigest()[:16]


def item_id(sco: Sco) -> str:
    return f"item-{sco.module.id}"


def resource_id(sco: Sco) -> str:
    return f"sco-{sco.module.id}"


def manifest_document(
    course: Course, scos: list[Sco], own: dict[str, list[str]], shared: list[str], version: ScormVersion
) -> etree._Element:
    E = ElementMaker(namespace=version.cp, nsmap=version.nsmap)
    root = E.manifest(
        E.metadata(E.schema("ADL SCORM"), E.schemaversion(version.schema_version)),
        E.organizations(organization(E, course, scos, version), default=ORGANIZATION),
        E.resources(*(sco_resource(E, sco, own[sco.module.id], version) for sco in scos), shared_resource(E, shared, version)),
        identifier=manifest_identifier(course),
        version=str(course.version or "1.0"),
    )
    root.set(f"{{{XSI}}}schemaLocation", " ".join(f"{namespace} {file}" for namespace, file in version.locations))
    return root


def organization(E: ElementMaker, course: Course, scos: list[Sco], version: ScormVersion) -> etree._Element:
    element = E.organization(E.title(course.title), *(item(E, course, sco, version) for sco in scos), identifier=ORGANIZATION)
    if version is SCORM2004:
        # Let the LMS offer both a table of contents and next/previous.
        S = ElementMaker(namespace=IMSSS)
        element.append(S.sequencing(S.controlMode(choice="true", flow="true")))
    return element


def item(E: ElementMaker, course: Course, sco: Sco, version: ScormVersion) -> etree._Element:
    element = E.item(E.title(sco_title(course, sco)), identifier=item_id(sco), identifierref=resource_id(sco))
    if version is SCORM12:
        if sco.mastery is not None:
            element.append(ElementMaker(namespace=version.adlcp).masteryscore(number(sco.mastery)))
        return element
    S = ElementMaker(namespace=IMSSS)
    if sco.mastery is not None:
        objective = S.primaryObjective(
            S.minNormalizedMeasure(number(sco.mastery / 100)), objectiveID=f"{sco.module.id}-pass-mark", satisfiedByMeasure="true"
        )
        element.append(S.sequencing(S.objectives(objective)))
    elif not sco.quizzes:
        # Reading a module has no pass or fail: it must not hold back the course's.
        element.append(S.sequencing(S.rollupRules(rollupObjectiveSatisfied="false")))
    return element


def sco_resource(E: ElementMaker, sco: Sco, files: list[str], version: ScormVersion) -> etree._Element:
    attributes = {
        "identifier": resource_id(sco),
        "type": "webcontent",
        f"{{{version.adlcp}}}{version.scorm_type}": "sco",
        "href": sco.launch,
    }
    return E.resource(*(E.file(href=rel) for rel in files), E.dependency(identifierref=SHARED), **attributes)


def shared_resource(E: ElementMaker, files: list[str], version: ScormVersion) -> etree._Element:
    attributes = {"identifier": SHARED, "type": "webcontent", f"{{{version.adlcp}}}{version.scorm_type}": "asset"}
    return E.resource(*(E.file(href=rel) for rel in files), **attributes)


def xml_bytes(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)
