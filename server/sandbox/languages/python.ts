import type { LanguageRuntime } from './language.ts';
import { pythonMounts } from './python-mounts.ts';

// Runs inside the sandbox. Reads {"code", "grade"} as JSON from fd 3 and runs the code as
// __main__. Figures (plt.show or left open) leave through fd 4 as PNG frames. When "grade"
// is set, it then calls the entry function once per case and writes one JSON frame with what
// each call returned or raised; the host compares those values, never this process.
// The program shares this interpreter, so it can find whatever the harness holds: the host
// never gives one process both public and hidden cases (grading/grade.ts). The harness still
// keeps the job out of easy reach: no module globals, the cases one bytes string until they run.
const HARNESS = String.raw`
import os, sys, json, struct
warm = sys.argv[1] == "warm"
if warm:
    import numpy, pandas, sklearn, sklearn.linear_model, sklearn.model_selection
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot, io
    # The first savefig loads the renderer and fonts; pay that before the candidate waits.
    matplotlib.pyplot.figure().savefig(io.BytesIO(), format="png")
    matplotlib.pyplot.close("all")
    os.write(4, b"R")  # tells the warm pool this interpreter is loaded

def _read_job():
    # Returns the code, the entry to call (None: not graded), and the cases as JSON bytes,
    # which the garbage collector does not list; the parsed job is freed on return.
    chunks = []
    while True:
        chunk = os.read(3, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(3)
    payload = json.loads(b"".join(chunks).decode("utf-8", "replace"))
    grade = payload.get("grade")
    if not grade:
        return payload["code"], None, None
    return payload["code"], grade["entry"], json.dumps(grade["cases"]).encode()

_grading = False
sys.argv = ["main.py"]

def _frame(data):
    try:
        os.write(4, struct.pack(">I", len(data)) + data)
        return True
    except OSError:
        return False

def _send_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None or _grading:
        return
    import io
    for number in plt.get_fignums()[:8]:
        buffer = io.BytesIO()
        plt.figure(number).savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        if not _frame(buffer.getvalue()):
            return
    plt.close("all")

if warm:
    matplotlib.pyplot.show = lambda *args, **kwargs: _send_figures()
else:
    import importlib.abc, importlib.util
    class _PatchShowOnImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "matplotlib.pyplot":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            original = spec.loader.exec_module
            def exec_module(module):
                original(module)
                module.show = lambda *a, **k: _send_figures()
            spec.loader.exec_module = exec_module
            return spec
    sys.meta_path.insert(0, _PatchShowOnImport())

def _plain(value):
    """JSON-safe copy: tuples and arrays become lists, numpy scalars plain numbers."""
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if hasattr(value, "item"):
        return _plain(value.item())
    return repr(value)

def _main():
    global _grading
    source, entry, cases_json = _read_job()
    _grading = entry is not None
    # The program gets a module of its own as __main__, so sys.modules["__main__"] is not this one.
    import types
    program = types.ModuleType("__main__")
    program.__dict__["__builtins__"] = __builtins__
    sys.modules["__main__"] = program
    namespace = program.__dict__
    status = 0
    try:
        exec(compile(source, "main.py", "exec"), namespace)
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if stop.code is not None and not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    except BaseException as error:
        import traceback
        # Hide the harness frame: the candidate's traceback starts at main.py.
        traceback.print_exception(type(error), error, error.__traceback__.tb_next if isinstance(error, Exception) and not isinstance(error, SyntaxError) else None)
        status = 1
    finally:
        sys.stdout.flush()
        _send_figures()

    if entry is not None:
        results = []
        function = namespace.get(entry)
        cases = json.loads(cases_json)
        del cases_json
        for case in cases:
            if not callable(function):
                results.append({"name": case["name"], "error": "NameError", "message": "the program does not define " + entry + "()"})
                continue
            try:
                value = function(*case["args"], **case["kwargs"])
                results.append({"name": case["name"], "value": _plain(value)})
            except BaseException as error:
                results.append({"name": case["name"], "error": type(error).__name__, "message": str(error)[:500]})
            sys.stdout.flush()
        _frame(json.dumps(results).encode())
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)

# Keeps this module's globals alive for the harness's functions once __main__ is the program's.
_harness = sys.modules["__main__"]
_main()
`;

export function pythonRuntime(interpreter: string): LanguageRuntime {
  return {
    id: 'python',
    mounts: pythonMounts(interpreter),
    command: ({ warm }) => [interpreter, '-u', '-B', '-c', HARNESS, warm ? 'warm' : 'cold'],
  };
}
