"""The framework's floor: a page that draws one line."""

import streamlit as st

st.write("empty")
