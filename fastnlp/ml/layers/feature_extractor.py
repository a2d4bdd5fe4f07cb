"""FeatureExtractor: Docs to per-Doc (n_tokens, n_attrs) uint64 id arrays."""
from typing import Callable, List, Sequence, Tuple, Union

from thinc.api import Model
from thinc.types import Ints2d

from ...attrs import intify_attrs


def FeatureExtractor(attrs: Sequence[Union[str, int]]) -> Model[List, List[Ints2d]]:
    """Read the attribute columns of each Doc with doc.to_array (a C loop)."""
    columns = intify_attrs(list(attrs))
    if not columns:
        raise ValueError("FeatureExtractor needs at least one attribute")
    return Model("extract_features", forward, attrs={"columns": columns})


def forward(model: Model, docs: List, is_train: bool) -> Tuple[List[Ints2d], Callable]:
    columns = model.attrs["columns"]
    ops = model.ops
    features = [ops.asarray2i(doc.to_array(columns), dtype="uint64") for doc in docs]

    def backprop(d_features: List[Ints2d]) -> List:
        return []

    return features, backprop
