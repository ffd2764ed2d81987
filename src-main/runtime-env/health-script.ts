/**
 * The Python side of the health check, run with `python -c` in the environment being checked
 * (kept here rather than in python-runtime/ because it must work when that runtime or torch
 * is broken). It prints one JSON line and always exits 0; every failure is a field.
 *
 * The matmul is compared against a float64 CPU result so that a device that "works" but
 * computes garbage (a wrong kernel image, a broken driver) is caught too.
 */
export const HEALTH_SCRIPT = String.raw`
"""Lathe health check: import torch, pick its device, multiply two small matrices on it."""
import json
import sys
import time

report = {
    "python": sys.version.split()[0],
    "torch": None,
    "torch_missing": False,
    "torch_error": None,
    "cuda_build": None,
    "hip_build": None,
    "device": None,
    "device_name": None,
    "matmul_ms": None,
    "matmul_error": None,
}
try:
    import torch
except ModuleNotFoundError as error:
    report["torch_missing"] = error.name == "torch"
    report["torch_error"] = "%s: %s" % (type(error).__name__, error)
except Exception as error:  # a wheel with missing libraries fails with OSError, a bad CUDA with RuntimeError
    report["torch_error"] = "%s: %s" % (type(error).__name__, error)
else:
    report["torch"] = str(getattr(torch, "__version__", "unknown"))
    version = getattr(torch, "version", None)
    report["cuda_build"] = getattr(version, "cuda", None)
    report["hip_build"] = getattr(version, "hip", None)
    try:
        device = "cpu"
        if torch.cuda.is_available():
            device = "cuda"
            report["device_name"] = torch.cuda.get_device_name(0)
        else:
            mps = getattr(getattr(torch, "backends", None), "mps", None)
            if mps is not None and mps.is_available():
                device = "mps"
        report["device"] = device
        generator = torch.Generator().manual_seed(0)
        a = torch.randn(256, 256, generator=generator)
        expected = a.double() @ a.double()
        on_device = a.to(device)
        start = time.perf_counter()
        product = (on_device @ on_device).to("cpu")
        report["matmul_ms"] = (time.perf_counter() - start) * 1000.0
        error = float((product.double() - expected).abs().max())
        if not error < 1e-2 * float(expected.abs().max()):
            raise ArithmeticError("the product differs from the CPU's by %g" % error)
    except Exception as error:
        report["matmul_error"] = "%s: %s" % (type(error).__name__, error)
print(json.dumps(report))
`;
