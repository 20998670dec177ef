"""The hand-rolled baseline: a county overview as one would first write it in Streamlit, with
no cache and no summary table: every run reads the students, cases and aid records from the
store into pandas and counts per township.  ``bench_pages.py`` compares every page with it."""

import os

import duckdb
import plotly.express as px
import streamlit as st

con = duckdb.connect(os.environ["EDU_DB"], read_only=True)
try:
    students = con.execute("SELECT student_id, school_code, status FROM students").df()
    schools = con.execute("SELECT code, township_code FROM schools").df()
    towns = con.execute("SELECT code, name FROM townships").df()
    cases = con.execute("SELECT student_id, status FROM dropout_cases").df()
    aid = con.execute("SELECT student_id, paid_amount FROM aid_records").df()
finally:
    con.close()
roll = students.merge(schools, left_on="school_code", right_on="code").merge(
    towns, left_on="township_code", right_on="code", suffixes=("", "_t")
)
enrolled = roll[roll["status"] == "在校"].groupby("name").size().rename("在校生")
open_cases = (
    cases[cases["status"].isin(["疑似辍学", "已核实", "劝返中"])]
    .merge(roll, on="student_id")
    .groupby("name")
    .size()
    .rename("在册案件")
)
paid = aid[aid["paid_amount"] > 0].merge(roll, on="student_id").groupby("name")["student_id"].nunique()
table = enrolled.to_frame().join(open_cases).join(paid.rename("受助学生")).fillna(0).reset_index()
st.metric("在校生", int(table["在校生"].sum()))
st.dataframe(table, hide_index=True)
st.plotly_chart(px.bar(table, x="name", y="在校生"), config={"displayModeBar": False})
