"""The issue's reference page: one 30-row ``st.dataframe`` and one plotly bar chart, from memory
(no store, no cache): what a warm rerun of a page is compared with (``bench_pages.py``)."""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

rng = np.random.default_rng(7)
df = pd.DataFrame(
    {
        "乡镇": [f"乡镇{i:02d}" for i in range(30)],
        "在校生": rng.integers(500, 5000, 30),
        "巩固率": rng.uniform(0.9, 1.0, 30).round(4),
    }
)
st.dataframe(df, hide_index=True)
st.plotly_chart(px.bar(df, x="乡镇", y="在校生"), config={"displayModeBar": False})
