"""The named seam of ``gpuparam.ops`` for the packages above it (docs/code-layout.md).

Not MindSpore API: this is how ``gpuparam.nn``'s layers (convolutions, pooling) and
``python -m gpuparam`` use ops' convolution machinery, so that none of them imports a
private module of ops. ops may rearrange its private modules freely as long as these
names keep their meaning. Argument checks raise as ops' own do, naming ``where``.

Example:
    >>> from gpuparam.ops.seam import same_padding, transposed_output_size
    >>> same_padding(16, 3, 1, 1), transposed_output_size(4, 3, 2, 1, 0, 0, 0)
    ((1, 1), 9)
"""

from ._collective import use_all_reduce as use_all_reduce
from ._conv import conv_backend_info as conv_backend_info
from ._conv_geometry import _pad_values as pad_values
from ._conv_geometry import int_tuple as int_tuple
from ._conv_geometry import output_size as output_size
from ._conv_geometry import same_padding as same_padding
from ._conv_transpose import conv_transpose_nd as conv_transpose_nd
from ._conv_transpose import transposed_output_size as transposed_output_size
from ._primitives import _PAD_MODES as PAD_MODES
from ._primitives import ConvolutionSpec as ConvolutionSpec
from ._primitives import _spatial_tuple as spatial_tuple
from ._primitives import check_pad_agrees as check_pad_agrees

__all__ = ["ConvolutionSpec", "PAD_MODES", "check_pad_agrees", "conv_backend_info",
           "conv_transpose_nd", "int_tuple", "output_size", "pad_values", "same_padding",
           "spatial_tuple", "transposed_output_size", "use_all_reduce"]
