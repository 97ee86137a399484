"""The backend: the only package that imports CuPy. See README.md beside this file.

Everything device-side goes through here: which of CuPy and NumPy is active
(``selection``), arrays and host/device copies (``arrays``), CUDA streams and the
stream-ordered memory of DESIGN.md contracts 7 and 8 (``streams``), kernels
(``kernels``) and NCCL (``nccl``). The names below are the backend's public seam;
modules above use them as ``_backend.get_array_module(...)`` and so on.
"""

from __future__ import annotations

from . import arrays as arrays, kernels as kernels, nccl as nccl, selection as selection
from . import staging as staging, streams as streams
from .arrays import (get_array_module as get_array_module, is_device_array as is_device_array,
                     to_active as to_active, to_host as to_host,
                     to_host_pinned as to_host_pinned, to_host_values as to_host_values)
from .staging import (download_async as download_async, pinned_bytes as pinned_bytes,
                      upload_async as upload_async)
from .kernels import nvrtc_compile as nvrtc_compile, raw_kernel as raw_kernel
from .nccl import (nccl_all_gather as nccl_all_gather, nccl_all_reduce as nccl_all_reduce,
                   nccl_broadcast as nccl_broadcast, nccl_communicator as nccl_communicator,
                   nccl_reducible as nccl_reducible,
                   nccl_unavailable_reason as nccl_unavailable_reason,
                   nccl_unique_id as nccl_unique_id,
                   use_device_of_local_rank as use_device_of_local_rank)
from .selection import (Array as Array, BackendName as BackendName,
                        active_array_module as active_array_module,
                        active_backend as active_backend, device_name as device_name,
                        gpu_available as gpu_available,
                        gpu_unavailable_reason as gpu_unavailable_reason,
                        import_warnings as import_warnings, memory_info as memory_info,
                        pool_used_bytes as pool_used_bytes, set_backend as set_backend,
                        use_backend as use_backend, versions as versions)
from .streams import (borrowed_device_array as borrowed_device_array,
                      current_stream as current_stream, device as device,
                      new_stream as new_stream, stream as stream)
