"""`fastnlp package`: a saved pipeline as an installable Python package, plus a wheel.

OUTDIR/<package>-<version>/ gets pyproject.toml, README.md, meta.json and the package
itself (`__init__.py` with `load()`, meta.json, the pipeline under `pipeline/`); its
`dist/` gets the wheel and/or the sdist. Both archives are written here, with zipfile and
tarfile, from the files of that directory: packaging needs no network and no `wheel` or
`build` install. The pyproject (setuptools) describes the same package, for
`pip install <dir>` or `python -m build` where those tools are at hand.
"""
import base64
import gzip
import hashlib
import io
import json
import keyword
import re
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Optional

import srsly
import typer

from ..about import __version__
from ..config import load_config
from ..errors import FastNLPError, one_line
from ..pipeline_io import CONFIG_FILE, META_FILE, replace_dir
from ..system import make_temp_dir
from ._util import user_errors

DATA_DIR = "pipeline"
BUILD_KINDS = ("wheel", "sdist")
REQUIRES_PYTHON = ">=3.9"
# Fixed archive timestamps make two builds of the same package byte-identical.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TAR_TIME = 315532800
NAME_RE = re.compile(r"[a-z0-9_]+")
SKIP = shutil.ignore_patterns("training-state", ".*", "__pycache__")

INIT_TEMPLATE = '''"""The fastnlp pipeline {name} {version}, made by `fastnlp package`."""
from pathlib import Path

__version__ = "{version}"


def get_data_path():
    """The directory that holds the saved pipeline."""
    return Path(__file__).parent / "{data_dir}"


def load(**overrides):
    """The loaded pipeline; keywords (disable, exclude, config) go to fastnlp.load."""
    import fastnlp
    return fastnlp.load(get_data_path(), **overrides)
'''


class PackageError(FastNLPError, ValueError):
    """A package that cannot be made: bad name or version, missing model, existing output."""


def package(model, output_dir, *, name=None, version=None, meta_path=None,
            build=("wheel",), force=False):
    """Write the package directory for the pipeline at `model`; returns its path.

    Meta fields come from the pipeline's meta.json, then the JSON at `meta_path`, then
    `name` and `version`. `build` names the archives to write into its `dist/`.
    """
    model = Path(model)
    meta = make_meta(read_model_meta(model), _read_meta_file(meta_path), name, version)
    package_name = full_name(meta)
    output_dir = Path(output_dir)
    dest = output_dir / f"{package_name}-{meta['version']}"
    if dest.exists() and not force:
        raise PackageError(f"{dest} already exists; pass --force to overwrite it")
    if model.resolve() in dest.resolve().parents:
        raise PackageError(f"the package directory {dest} would be inside the model {model}")
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(dest, prefix=f".{dest.name}.")
    try:
        write_source(model, tmp, meta)
        for kind in build:
            (write_wheel if kind == "wheel" else write_sdist)(tmp, meta, tmp / "dist")
        replace_dir(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def read_model_meta(model):
    """The meta.json of the pipeline directory `model`, with its lang filled in."""
    if not model.is_dir():
        raise PackageError(f"no pipeline directory at {model}")
    if not (model / CONFIG_FILE).exists():
        raise PackageError(f"{model} is not a fastnlp pipeline: it has no {CONFIG_FILE}")
    meta = srsly.read_json(model / META_FILE) if (model / META_FILE).exists() else {}
    if not meta.get("lang"):
        meta["lang"] = load_config(model / CONFIG_FILE)["nlp"]["lang"]
    return meta


def _read_meta_file(path):
    if path is None:
        return {}
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"no meta file at {path}")
    try:
        data = srsly.read_json(path)
    except ValueError as err:
        raise PackageError(f"{path} is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise PackageError(f"{path} must hold a JSON object of meta fields")
    return data


def make_meta(model_meta, overrides, name=None, version=None):
    """The package's meta: checked name (without the lang prefix), PEP 440 version,
    and the requirements, the fastnlp one first."""
    meta = {**model_meta, **overrides}
    if name is not None:
        meta["name"] = name
    if version is not None:
        meta["version"] = version
    lang = meta.get("lang")
    if not lang or not NAME_RE.fullmatch(str(lang)):
        raise PackageError(f"the pipeline's meta has no usable lang (got {lang!r})")
    if not meta.get("name"):
        raise PackageError("no package name: pass --name or give one in the meta file")
    meta["name"] = check_name(str(meta["name"]), lang)
    meta["version"] = check_version(str(meta.get("version") or "0.0.0"))
    # A fastnlp requirement counts only from the meta file: one in the pipeline's own meta
    # was written by an earlier `package` run, maybe with an older fastnlp.
    meta["requirements"] = _requirements(overrides.get("requirements"),
                                         model_meta.get("requirements"))
    return meta


def check_name(name, lang):
    """`name` without a leading `<lang>_`, after checking it makes a module name."""
    if "-" in name or "." in name:
        raise PackageError(f"invalid package name {name!r}: use underscores, not '-' or '.' "
                           "(the name is also the Python module's name)")
    if not NAME_RE.fullmatch(name):
        raise PackageError(f"invalid package name {name!r}: use lowercase letters, digits "
                           "and underscores only")
    if name.startswith(f"{lang}_"):
        name = name[len(lang) + 1:]
    if not name.strip("_"):
        raise PackageError(f"invalid package name {name!r}: it needs a letter or digit "
                           f"after the '{lang}_' prefix")
    return name


def full_name(meta):
    """The distribution and module name: `<lang>_<name>`."""
    package_name = f"{meta['lang']}_{meta['name']}"
    if not package_name.isidentifier() or keyword.iskeyword(package_name):
        raise PackageError(f"{package_name!r} is not a valid Python module name")
    return package_name


def check_version(version):
    """`version` in PEP 440's normal form, or a PackageError."""
    from packaging.version import InvalidVersion, Version
    try:
        parsed = Version(version)
    except InvalidVersion:
        raise PackageError(f"invalid version {version!r}: use a PEP 440 version such as "
                           "1.0.0 or 0.2.0rc1") from None
    if parsed.local is not None:
        raise PackageError(f"invalid version {version!r}: local versions (+...) cannot be "
                           "published; drop the '+' part")
    return str(parsed)


def fastnlp_requirement(version=__version__):
    """`fastnlp>=X.Y,<X.(Y+1)`: the minor series that saved (and can read) the pipeline."""
    from packaging.version import Version
    parsed = Version(version)
    major, minor = (parsed.release + (0,))[:2]
    low = f"{major}.{minor}.0.dev0" if parsed.is_prerelease else f"{major}.{minor}"
    return f"fastnlp>={low},<{major}.{minor + 1}"


def _requirements(given, saved):
    """The package's requirements: `given` (from the meta file) as is, or the `saved` ones
    without fastnlp; fastnlp's own requirement first unless `given` names fastnlp."""
    from packaging.requirements import InvalidRequirement, Requirement
    extra = given if given is not None else saved or []
    if isinstance(extra, str) or not isinstance(extra, list):
        raise PackageError("meta 'requirements' must be a list of requirement strings")
    parsed = []
    for text in extra:
        try:
            parsed.append((str(text), Requirement(str(text)).name.lower() == "fastnlp"))
        except InvalidRequirement as err:
            raise PackageError(f"invalid requirement {text!r} in the meta: "
                               f"{str(err).splitlines()[0]}") from None
    if given is not None and any(is_fastnlp for _, is_fastnlp in parsed):
        return [text for text, _ in parsed]
    return [fastnlp_requirement()] + [text for text, is_fastnlp in parsed if not is_fastnlp]


def write_source(model, root, meta):
    """The package's source directory: pyproject, README, meta and the package."""
    package_name = full_name(meta)
    package_dir = root / package_name
    shutil.copytree(model, package_dir / DATA_DIR, ignore=SKIP)
    meta_json = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    (package_dir / DATA_DIR / "meta.json").write_text(meta_json, encoding="utf8")
    (package_dir / "meta.json").write_text(meta_json, encoding="utf8")
    (package_dir / "__init__.py").write_text(INIT_TEMPLATE.format(
        name=package_name, version=meta["version"], data_dir=DATA_DIR), encoding="utf8")
    (root / "meta.json").write_text(meta_json, encoding="utf8")
    (root / "README.md").write_text(make_readme(meta), encoding="utf8")
    (root / "pyproject.toml").write_text(make_pyproject(meta), encoding="utf8")


def _toml(value):
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def make_pyproject(meta):
    """A setuptools pyproject.toml building the same package as `write_wheel`."""
    package_name = full_name(meta)
    lines = ["[build-system]", 'requires = ["setuptools>=68", "wheel"]',
             'build-backend = "setuptools.build_meta"', "", "[project]",
             f"name = {_toml(package_name)}", f"version = {_toml(meta['version'])}",
             f"description = {_toml(_summary(meta))}", 'readme = "README.md"',
             f"requires-python = {_toml(REQUIRES_PYTHON)}",
             f"dependencies = {_toml(meta['requirements'])}"]
    author = {key: one_line(meta[field]) for key, field in (("name", "author"),
              ("email", "email")) if meta.get(field)}
    if author:
        lines.append("authors = [{" + ", ".join(f"{key} = {_toml(value)}"
                                               for key, value in author.items()) + "}]")
    if meta.get("license"):
        lines.append(f"license = {{text = {_toml(one_line(meta['license']))}}}")
    if meta.get("url"):
        lines += ["", "[project.urls]", f"Homepage = {_toml(one_line(meta['url']))}"]
    lines += ["", "[tool.setuptools]", f"packages = {_toml([package_name])}", "",
              "[tool.setuptools.package-data]",
              f'{package_name} = ["meta.json", "{DATA_DIR}/**/*"]', ""]
    return "\n".join(lines)


def _summary(meta):
    return one_line(meta.get("description") or
                     f"fastnlp pipeline {full_name(meta)} ({', '.join(meta.get('pipeline', []))})")


def _cell(value):
    return str(value).replace("|", "\\|")


def make_readme(meta):
    """README.md: what the package holds and how to install and load it."""
    package_name = full_name(meta)
    rows = [("Name", package_name), ("Version", meta["version"]), ("Language", meta["lang"]),
            ("Pipeline", ", ".join(meta.get("pipeline", [])) or "(tokenizer only)"),
            ("Requires", ", ".join(meta["requirements"]))]
    rows += [(title, one_line(meta[key])) for title, key in
             (("Author", "author"), ("Email", "email"), ("URL", "url"), ("License", "license"))
             if meta.get(key)]
    table = "\n".join(f"| {title} | {_cell(value)} |" for title, value in rows)
    wheel = f"{package_name}-{meta['version']}-py3-none-any.whl"
    return (f"# {package_name}\n\n{meta.get('description') or _summary(meta)}\n\n"
            f"| Field | Value |\n| --- | --- |\n{table}\n\n## Use\n\n```bash\n"
            f"pip install dist/{wheel}\n```\n\n```python\nimport fastnlp\n\n"
            f"nlp = fastnlp.load(\"{package_name}\")\n# or: import {package_name}; "
            f"nlp = {package_name}.load()\ndoc = nlp(\"This is a sentence.\")\n```\n")


def core_metadata(meta, root):
    """The METADATA / PKG-INFO text (core metadata 2.1) of the package."""
    fields = [("Metadata-Version", "2.1"), ("Name", full_name(meta)),
              ("Version", meta["version"]), ("Summary", _summary(meta))]
    if meta.get("url"):
        fields.append(("Project-URL", f"Homepage, {one_line(meta['url'])}"))
    author, email = (one_line(meta.get(key) or "") for key in ("author", "email"))
    if email:
        fields.append(("Author-email", f'"{author}" <{email}>' if author else email))
    elif author:
        fields.append(("Author", author))
    if meta.get("license"):
        fields.append(("License", one_line(meta["license"])))
    fields.append(("Requires-Python", REQUIRES_PYTHON))
    fields += [("Requires-Dist", req) for req in meta["requirements"]]
    fields.append(("Description-Content-Type", "text/markdown"))
    head = "".join(f"{key}: {value}\n" for key, value in fields)
    return head + "\n" + (root / "README.md").read_text(encoding="utf8")


def _package_files(root, meta):
    """(path inside the archive, file) for each file of the package directory, sorted."""
    package_dir = root / full_name(meta)
    return [(path.relative_to(root).as_posix(), path)
            for path in sorted(package_dir.rglob("*")) if path.is_file()
            and "__pycache__" not in path.parts]


def _record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode('ascii')}"


def write_wheel(root, meta, dist_dir):
    """A pure-Python wheel (py3-none-any) of the package in `root`; returns its path."""
    package_name = full_name(meta)
    stem = f"{package_name}-{meta['version']}"
    info = f"{stem}.dist-info"
    entries = [(arcname, path.read_bytes()) for arcname, path in _package_files(root, meta)]
    entries += [
        (f"{info}/METADATA", core_metadata(meta, root).encode("utf8")),
        (f"{info}/WHEEL", (f"Wheel-Version: 1.0\nGenerator: fastnlp {__version__}\n"
                           "Root-Is-Purelib: true\nTag: py3-none-any\n").encode("utf8")),
        (f"{info}/top_level.txt", f"{package_name}\n".encode("utf8"))]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode("utf8")))
    dist_dir.mkdir(parents=True, exist_ok=True)
    path = dist_dir / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            item = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            item.external_attr = 0o644 << 16
            item.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(item, data)
    return path


def write_sdist(root, meta, dist_dir):
    """A source distribution (.tar.gz with PKG-INFO) of the package in `root`."""
    stem = f"{full_name(meta)}-{meta['version']}"
    files = [(name, path.read_bytes()) for name, path in _package_files(root, meta)]
    files += [(name, (root / name).read_bytes())
              for name in ("pyproject.toml", "README.md", "meta.json")]
    files.append(("PKG-INFO", core_metadata(meta, root).encode("utf8")))
    dist_dir.mkdir(parents=True, exist_ok=True)
    path = dist_dir / f"{stem}.tar.gz"
    with open(path, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=TAR_TIME) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in sorted(files):
            item = tarfile.TarInfo(f"{stem}/{name}")
            item.size, item.mtime, item.mode = len(data), TAR_TIME, 0o644
            archive.addfile(item, io.BytesIO(data))
    return path


def parse_build(text):
    """`--build`: a comma-separated subset of wheel,sdist, or none."""
    kinds = [word.strip() for word in text.split(",") if word.strip()]
    if kinds == ["none"]:
        return ()
    if not kinds or any(kind not in BUILD_KINDS for kind in kinds):
        raise PackageError(f"unknown --build {text!r}: use wheel, sdist, sdist,wheel or none")
    return tuple(dict.fromkeys(kinds))


def package_cli(
    model: Path = typer.Argument(..., help="Saved pipeline directory (e.g. out/model-best)"),
    output_dir: Path = typer.Argument(..., help="Directory to write the package into"),
    name: Optional[str] = typer.Option(
        None, "--name", "-n", help="Package name; '<lang>_' is prefixed unless present "
        "(ewt_sm and en_ewt_sm both give en_ewt_sm). Default: the meta's name"),
    version: Optional[str] = typer.Option(
        None, "--version", "-v", help="PEP 440 version. Default: the meta's, or 0.0.0"),
    meta_path: Optional[Path] = typer.Option(
        None, "--meta-path", "-m", help="JSON file of meta fields (description, author, "
        "email, url, license, requirements, ...) overriding the pipeline's"),
    build: str = typer.Option("wheel", "--build", "-b",
                              help="Archives to build into dist/: wheel, sdist, both "
                                   "(sdist,wheel) or none"),
    force: bool = typer.Option(False, "--force", "-f",
                               help="Overwrite an existing package directory"),
):
    """Make an installable Python package (and a wheel) from a saved pipeline."""
    with user_errors(PackageError, OSError):
        kinds = parse_build(build)
        dest = package(model, output_dir, name=name, version=version, meta_path=meta_path,
                       build=kinds, force=force)
    typer.echo(f"Created the package directory {dest}")
    archives = sorted((dest / "dist").glob("*")) if kinds else []
    for archive in archives:
        typer.echo(f"Built {archive}")
    wheels = [archive for archive in archives if archive.suffix == ".whl"]
    typer.echo(f"Install it with: pip install {(wheels or archives or [dest])[0]}")
